"""The organisers' back office beside the admin's model pages: the dashboard
(`/<lang>/admin/dashboard/`) and the attendee exports (CSV and Excel), also
offered as actions on the registrations list.

- auth.py: who may see the dashboard and who may export (organisers only);
- queries.py: the dashboard's figures, a fixed number of queries;
- charts.py: registrations per day and check-ins per hour, drawn as SVG bar charts;
- exports.py: the attendee list as rows, CSV and .xlsx (and any table as CSV or .xlsx);
- checkin_lists.py: check-in lists per day, checkpoint or session;
- views.py, urls.py: thin views under the admin's log-in;
- admin.py: the export actions for RegistrationAdmin.
"""
