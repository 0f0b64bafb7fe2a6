"""The pages that compose the landscape and the GDPR record: the dashboard and the analyses."""
