from django.apps import AppConfig


class SigninsConfig(AppConfig):
    # Not "sessions": that label is Django's own session store.
    name = "atom.signins"
    label = "signins"
    verbose_name = "Sign-in sessions"
