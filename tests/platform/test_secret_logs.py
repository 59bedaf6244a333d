"""Issue 19 item 8: no secret reaches a log, at any level, from any logger.

At DEBUG the database driver's and SQLAlchemy's loggers echoed ``INSERT ... "secret":"whsec_..."``
and chat-URL passwords. A subscription with both is saved with logging at DEBUG, and
everything written to stderr is searched for them.
"""

from __future__ import annotations

import logging

from alerts import catalogue as store
from alerts.signing import generate_webhook_secret
from models import Subscription
from services.platform.log import configure_logging
from services.platform.storage import open_database

SECRET = generate_webhook_secret()
PASSWORD = "hunter2-chat-password"


async def test_debug_logs_carry_no_secrets(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    configure_logging("json", "DEBUG")
    try:
        db = open_database(f"sqlite+aiosqlite:///{tmp_path}/t.db")
        await db.create_schema()
        sub = Subscription.model_validate(
            {
                "id": "sub_x",
                "tenant": "desk",
                "webhook": {"url": "https://hooks.example/x", "secret": SECRET},
                "channels": [f"json://bot:{PASSWORD}@chat.example/hook"],
            }
        )
        await store.save(db, sub)
        logging.getLogger("tocsin.test").debug("url json://bot:%s@chat.example/ secret %s", PASSWORD, SECRET)
        await db.close()
    finally:
        configure_logging("json", "INFO")
    err = capsys.readouterr().err
    assert "tocsin.test" in err and "whsec_***" in err and "bot:***@" in err, "the debug logs were not captured"
    secret_body = SECRET.split("_", 1)[1]
    assert secret_body not in err and secret_body.replace("/", "\\/") not in err, "a webhook secret reached the log"
    assert PASSWORD not in err, "a chat password reached the log"
