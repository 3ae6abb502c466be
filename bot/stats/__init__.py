"""Usage statistics: counting, fixed periods, suppression, publishing, the report, the admins'
screen."""
