"""Two-factor log-in for staff (organisers and viewers): an authenticator app's
six-digit codes (django-otp's TOTP devices) and one-time backup codes (its static
devices). Enrolment and the code page are here; middleware.py sends staff to
them before the admin and the dashboard. Knows nothing of events or registration.
"""
