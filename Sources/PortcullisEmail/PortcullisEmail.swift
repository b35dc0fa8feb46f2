// Outbound email: SMTP delivery and the development mail directory.
