"""Messages to a class, for the route × role matrix: a message of school B1's class course and
its B1 pupil's receipt (nobody else may open it)."""


def providers(city, course, pupil) -> dict[str, tuple[int, str]]:
    from edudx.learning.models import ClassMessage, MessageReceipt

    message = ClassMessage.objects.create(
        course=course, unit_path=course.unit_path, title="Tin nhắn ma trận B1", body="Nội dung ma trận B1"
    )
    receipt = MessageReceipt.objects.create(message=message, user=pupil)
    return {"receipt_id": (receipt.pk, "Tin nhắn ma trận B1")}
