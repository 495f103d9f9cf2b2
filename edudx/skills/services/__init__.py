"""Every write of the skills app (issue #16), by subject:

catalogue     frameworks' competences, the certificate catalogue, target levels (the department)
certificates  people's certificates: claim, verify, expire, revoke; issuers' lists; expiry
results       test centres' result rows: matching to staff and pupils, review of the unmatched
campaigns     staff self-assessment campaigns: open, rate, submit, confirm, return
"""
