"""The tables, as SQLAlchemy Core metadata. Migrations (store/migrations) create them."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Id = BigInteger().with_variant(Integer(), "sqlite")
Timestamp = DateTime(timezone=True)

threads = Table(
    "threads",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("uri", String(1024), nullable=False, unique=True),
    Column("title", Text, nullable=False, default=""),
    Column("text", Text, nullable=True),
    Column("closed", Boolean, nullable=False, default=False),
    Column("mode", String(8), nullable=True),
    Column("created", Timestamp, nullable=False),
    # How many of its comments are published: kept by every statement that changes a
    # comment's status (store/comments.py), so a count is a primary-key read at any size.
    Column("published", Integer, nullable=False, default=0, server_default="0"),
    sqlite_autoincrement=True,
)

comments = Table(
    "comments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("thread_id", Id, ForeignKey("threads.id"), nullable=False),
    Column("parent_id", Id, ForeignKey("comments.id"), nullable=True),
    # The top-level ancestor (itself for a top-level comment): one query fetches a page's replies.
    Column("root_id", Id, nullable=True),
    Column("author", String(200), nullable=False),
    Column("email", String(320), nullable=True),
    Column("text", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created", Timestamp, nullable=False),
    Column("modified", Timestamp, nullable=True),
    Column("decided", Timestamp, nullable=True),
    Column("client_hash", String(64), nullable=False, default=""),
    Column("verdict", Text, nullable=True),  # the engine's verdict as JSON
    Column("risk", Float, nullable=False, default=0.0),
    Column("flags", String(200), nullable=False, default=""),  # ",insult,language,"
    sqlite_autoincrement=True,
)
Index("ix_comments_thread_status_id", comments.c.thread_id, comments.c.status, comments.c.id)
Index("ix_comments_root", comments.c.root_id, comments.c.status)
Index("ix_comments_status_id", comments.c.status, comments.c.id)
Index("ix_comments_status_risk", comments.c.status, comments.c.risk, comments.c.id)
Index("ix_comments_client_hash", comments.c.client_hash, comments.c.id)
Index("ix_comments_author", comments.c.author, comments.c.id)
Index("ix_comments_created", comments.c.created)
Index("ix_comments_decided", comments.c.decided)

moderators = Table(
    "moderators",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("token_hash", String(64), nullable=True, unique=True),
    Column("created", Timestamp, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", Timestamp, nullable=False),
    Column("moderator_id", Id, ForeignKey("moderators.id"), nullable=True),  # NULL: automatic
    Column("action", String(32), nullable=False),
    Column("comment_id", Id, ForeignKey("comments.id"), nullable=True),
    Column("thread_id", Id, ForeignKey("threads.id"), nullable=True),
    Column("rule", String(32), nullable=True),
    Column("note", Text, nullable=True),
)
Index("ix_audit_log_at", audit_log.c.at)
Index("ix_audit_log_comment", audit_log.c.comment_id)

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("window_start", BigInteger, nullable=False),
    Column("hits", Integer, nullable=False),
)

# Follow-by-mail, reply notifications and moderator alerts (migration 0003): the new
# columns of existing tables, then the new tables.
comments.append_column(Column("notify_replies", Boolean, nullable=False, default=False))
moderators.append_column(Column("email", String(320), nullable=True))
moderators.append_column(Column("alert_queue", Boolean, nullable=False, default=False))
moderators.append_column(Column("alert_wait", Boolean, nullable=False, default=False))
moderators.append_column(Column("alert_reports", Boolean, nullable=False, default=False))

# Every mail to send: written in the same transaction as its cause, sent by a worker.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),  # confirm, comment, reply, digest, alert
    Column("recipient", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("headers", Text, nullable=False, default="{}"),  # extra headers, JSON
    Column("status", String(8), nullable=False),  # pending, sending, sent, dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Timestamp, nullable=False),
    Column("locked_until", Timestamp, nullable=True),
    Column("locked_by", String(64), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created", Timestamp, nullable=False),
    Column("sent_at", Timestamp, nullable=True),
    Column("message_id", String(255), nullable=True),
    sqlite_autoincrement=True,
)
Index("ix_outbox_status_next", outbox.c.status, outbox.c.next_attempt_at, outbox.c.id)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("thread_id", Id, ForeignKey("threads.id"), nullable=False),
    Column("email", String(320), nullable=False),
    Column("mode", String(16), nullable=False),  # immediate, digest
    Column("lang", String(8), nullable=False),
    Column("created", Timestamp, nullable=False),
    Column("confirmed", Timestamp, nullable=True),  # NULL: the link was not followed yet
    sqlite_autoincrement=True,
)
Index(
    "ux_subscriptions_thread_email", subscriptions.c.thread_id, subscriptions.c.email, unique=True
)
Index("ix_subscriptions_confirmed", subscriptions.c.confirmed, subscriptions.c.created)

# Comments published since a digest subscriber's last digest.
digest_items = Table(
    "digest_items",
    metadata,
    Column(
        "subscription_id",
        Id,
        ForeignKey("subscriptions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("comment_id", Id, ForeignKey("comments.id"), primary_key=True),
)

# When each periodic job (digest, purge, alerts) last ran: claimed by one worker at a time.
notify_jobs = Table(
    "notify_jobs",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("last_run", Timestamp, nullable=True),
)

# Readers' reports ("Alerter") and bans (migration 0005).
# `target` is "c<comment id>" or "t<thread id>" (the article itself): the unique indexes
# below keep one report per reader (cookie) and per client hash on each target.
reports = Table(
    "reports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("thread_id", Id, ForeignKey("threads.id"), nullable=False),
    Column("comment_id", Id, ForeignKey("comments.id"), nullable=True),  # NULL: the article
    Column("target", String(32), nullable=False),
    Column("reason", String(32), nullable=False),  # a charter rule id, "spam" or "other"
    Column("note", Text, nullable=True),
    Column("reader", String(64), nullable=False),  # a keyed hash of the reader's cookie id
    Column("client_hash", String(64), nullable=False),
    Column("created", Timestamp, nullable=False),
    Column("resolved", Timestamp, nullable=True),  # NULL: no moderator has looked yet
    sqlite_autoincrement=True,
)
Index("ux_reports_target_reader", reports.c.target, reports.c.reader, unique=True)
Index("ux_reports_target_client", reports.c.target, reports.c.client_hash, unique=True)
Index("ix_reports_open", reports.c.resolved, reports.c.target)

# `value`: a keyed hash of the e-mail (never the address), the client hash, or the
# normalised pseudonym, per `kind`.
bans = Table(
    "bans",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # email, client, author
    Column("value", String(200), nullable=False),
    Column("author", String(200), nullable=True),  # the pseudonym it was made from, to list it
    Column("reason", Text, nullable=False),
    Column("created", Timestamp, nullable=False),
    Column("expires", Timestamp, nullable=True),  # NULL: for good
    Column("moderator_id", Id, ForeignKey("moderators.id"), nullable=True),
    Column("lifted", Timestamp, nullable=True),
    Column("lifted_by", Id, ForeignKey("moderators.id"), nullable=True),
    sqlite_autoincrement=True,
)
Index("ix_bans_kind_value", bans.c.kind, bans.c.value)

# The moderation queue (migration 0007): a comment whose charter checks have not run yet
# carries the instant its check is due. A worker claims it by moving that instant past a
# lease; clearing it marks the check done. No separate table: the comment row, written by
# the posting transaction, is the durable job.
comments.append_column(Column("check_after", Timestamp, nullable=True))
Index(
    "ix_comments_check_after",
    comments.c.check_after,
    sqlite_where=comments.c.check_after.is_not(None),
    postgresql_where=comments.c.check_after.is_not(None),
)

# The newsroom's pages (migration 0013): the batch of a bulk approval (taken back as one),
# the article's public address (registered by the CMS), the page a reader followed from.
audit_log.append_column(Column("batch", String(32), nullable=True))
Index("ix_audit_log_batch", audit_log.c.batch)
threads.append_column(Column("url", String(1024), nullable=True))
subscriptions.append_column(Column("page", String(1024), nullable=True))
