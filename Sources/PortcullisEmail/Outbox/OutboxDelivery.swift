import Logging

/// The background side of `MailOutbox`: takes messages off the queue and delivers each with retries.
struct OutboxDelivery: Sendable {
    let transport: any MailTransport
    let retryPolicy: MailRetryPolicy
    let ledger: OutboxLedger
    let logger: Logger

    /// Runs until the queue is finished and every started delivery has ended, or until cancelled.
    func run(_ queue: AsyncStream<EmailMessage>, concurrency: Int) async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await message in queue {
                if running == concurrency {
                    await group.next()
                    running -= 1
                }
                group.addTask { await deliver(message) }
                running += 1
            }
        }
    }

    /// Attempts delivery until it succeeds, fails permanently, or runs out of attempts. A message that
    /// is abandoned by cancellation is left for `drain` to count.
    func deliver(_ message: EmailMessage) async {
        var metadata: Logger.Metadata = [
            "email.message_id": "\(message.id)",
            "email.recipient_domains": "\(message.recipientDomains.joined(separator: ","))",
        ]
        for attempt in 1...retryPolicy.maxAttempts {
            if Task.isCancelled { return }
            metadata["email.attempt"] = "\(attempt)"
            do {
                try await transport.deliver(message)
                ledger.delivered()
                logger.debug("email delivered", metadata: metadata)
                return
            } catch {
                if Task.isCancelled { return }
                metadata["email.error"] = "\(AddressRedaction.redact(String(describing: error)))"
                let permanent = (error as? any MailDeliveryFailure)?.isPermanent ?? false
                if permanent || attempt == retryPolicy.maxAttempts {
                    ledger.failed()
                    logger.error(
                        permanent ? "email delivery failed permanently" : "email delivery failed, giving up",
                        metadata: metadata)
                    return
                }
                let delay = retryPolicy.delay(afterAttempt: attempt)
                metadata["email.retry_in_ms"] = "\(delay.milliseconds)"
                logger.warning("email delivery failed, will retry", metadata: metadata)
                metadata["email.retry_in_ms"] = nil
                do { try await Task.sleep(for: delay) } catch { return }
            }
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }
}
