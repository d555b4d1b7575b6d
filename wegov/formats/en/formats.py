"""English dates in one style: "September 8, 2010", "September 8", "September 8, 2010,
09:30" on the pages and in mails (Django's own mix "Sept. 8, 2010", "September 8" and "09/08/2010 9:30 a.m.",
with "6–8 September 2010" from the date ranges, read as three styles). Times are
24-hour, as in the programme. The date ranges follow in locale/en (events_tags.date_range):
"September 6–8, 2010". Korean keeps Django's formats ("2010년 9월 8일")."""

DATE_FORMAT = "F j, Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "F j, Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "F j"
# The admin's tables (as its registration list and the dashboard): ISO dates.
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
