import Foundation
import NIOConcurrencyHelpers

/// Accounts behind live tokens, kept in memory so a request skips hashing its token and reading
/// its session and account (a tenth of a record GET's work).
///
/// An entry holds the generations of the tables it was read from (``Tables``): any committed
/// write to sessions, accounts or students — a logout, a password change or reset, a role or
/// scope change, a lock, an import — moves one of them, and the next request reads again. An
/// entry also ends with its session. Nothing here can outlive what it was read from.
final class SessionCache: Sendable {
    /// The generations of the tables a resolution reads, taken before the read.
    struct Tables: Equatable, Sendable {
        var sessions: UInt64
        var accounts: UInt64
        var students: UInt64
    }

    private struct Entry {
        var account: Account
        var expires: Date
        var tables: Tables
    }

    /// Past this many tokens the cache starts again empty: a bound on memory that costs only a
    /// re-read per live token.
    static let capacity = 20_000
    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    /// The account cached for `token`, when still good for these table generations at `now`.
    func account(_ token: String, now: Date, tables: Tables) -> Account? {
        entries.withLockedValue { all in
            guard let e = all[token] else { return nil }
            guard e.tables == tables, e.expires > now else {
                all[token] = nil
                return nil
            }
            return e.account
        }
    }

    /// Keeps what was read for `token` under the generations taken before reading it.
    func keep(_ token: String, account: Account, expires: Date, tables: Tables) {
        entries.withLockedValue { all in
            if all.count >= Self.capacity { all.removeAll(keepingCapacity: true) }
            all[token] = Entry(account: account, expires: expires, tables: tables)
        }
    }
}
