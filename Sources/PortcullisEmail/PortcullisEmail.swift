// Outbound email: SMTP delivery and the development mail directory.
//
// Layers, from the bottom up:
// - Message/   `EmailMessage` and its RFC 5322 rendering (pure, no I/O).
// - SMTP/      a small SMTP client written on SwiftNIO. No SMTP client library is available to this
//              project, and the part we need (one message per connection, STARTTLS/TLS, AUTH
//              PLAIN/LOGIN) is small enough to own.
// - Transport/ `MailTransport`: SMTP for production, a directory of .eml files for development.
// - Outbox/    `MailOutbox`: accepts messages without blocking a request and delivers them in the
//              background with retries.
