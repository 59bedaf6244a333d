from __future__ import annotations

import pytest

from alerts.signing import generate_webhook_secret, sign, webhook_headers
from models.subscription import decode_webhook_secret
from tests.alerts.factories import OTHER_SECRET, SECRET
from tests.alerts.receivers import verify_standard_webhook


class TestSign:
    def test_standard_webhooks_reference_vector(self):
        # The example from the Standard Webhooks specification's reference libraries.
        secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')
        assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    def test_rotation_sends_one_signature_per_secret(self):
        body = b'{"x":1}'
        headers = webhook_headers([SECRET, OTHER_SECRET], "msg_1", 1700000000, body)
        assert len(headers["webhook-signature"].split(" ")) == 2
        for secret in (SECRET, OTHER_SECRET):
            verify_standard_webhook(secret, headers, body, now=1700000000)

    def test_needs_a_secret(self):
        with pytest.raises(ValueError):
            webhook_headers([], "msg_1", 1, b"")


def test_generated_secrets_are_valid_and_distinct():
    first, second = generate_webhook_secret(), generate_webhook_secret()
    assert first != second
    assert len(decode_webhook_secret(first)) == 32
