"""The demo library's tables: resource types and their files, states, licences, series and the
words reviewers and readers write."""

from __future__ import annotations

from ..models import Licence, ResourceType, Series, State

# (resource type, title prefix, file kind or "link", weight)
KINDS = [
    (ResourceType.LESSON_PLAN, "Kế hoạch bài dạy", "docx", 22),
    (ResourceType.DOCUMENT, "Bài giảng", "docx", 18),
    (ResourceType.WORKSHEET, "Phiếu học tập", "docx", 14),
    (ResourceType.WORKSHEET, "Đề kiểm tra 15 phút", "pdf", 3),
    (ResourceType.PRESENTATION, "Bài trình chiếu", "pptx", 14),
    (ResourceType.INTERACTIVE, "Trò chơi tương tác", "h5p", 4),
    (ResourceType.VIDEO, "Video bài giảng", "link", 12),
    (ResourceType.LINK, "Tư liệu tham khảo", "link", 8),
]
STATES = [
    (State.PUBLISHED, 70),
    (State.DRAFT, 9),
    (State.SUBMITTED, 8),
    (State.REVIEWED, 4),
    (State.RETURNED, 6),
    (State.TAKEN_DOWN, 3),
]
LICENCES = [
    (Licence.CC_BY, 40),
    (Licence.CC_BY_SA, 25),
    (Licence.CC_BY_NC_SA, 15),
    (Licence.CC_BY_NC, 6),
    (Licence.CC0, 4),
    (Licence.SECTOR_ONLY, 10),
]
SERIES = [
    (Series.KNTT, 40),
    (Series.CTST, 25),
    (Series.CANH_DIEU, 20),
    (Series.NATIONAL, 10),
    (Series.OTHER, 5),
]
RETURN_COMMENTS = [
    "Chưa ghi nguồn hình ảnh; đề nghị bổ sung nguồn và giấy phép.",
    "Đáp án câu 3 chưa chính xác, thầy/cô kiểm tra lại.",
    "Nội dung vượt yêu cầu cần đạt của chương trình lớp này.",
    "Thiếu mục tiêu bài học theo Chương trình GDPT 2018.",
]
TAKEDOWN_REASONS = [
    "Vi phạm bản quyền: sao chép nguyên văn sách giáo khoa.",
    "Có sai sót kiến thức, chờ tác giả chỉnh sửa.",
]
COMMENTS = [
    "Tài liệu rất hữu ích, cảm ơn thầy/cô đã chia sẻ!",
    "Em đã dùng cho tiết dạy tuần trước, học sinh hứng thú.",
    "Phiếu học tập rõ ràng, nên thêm phần đáp án.",
    "Slide đẹp, dễ chỉnh sửa cho lớp mình.",
]
