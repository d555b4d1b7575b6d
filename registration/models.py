"""Attendees, bookings and check-ins (see the registration issues)."""
