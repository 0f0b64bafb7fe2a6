from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """The pages that compose the landscape and the GDPR record: the dashboard and the analyses.

    It sits beside ``config`` at the top of the dependency arrows (docs/architecture.md): it may
    import every app, and no app imports it.
    """

    name = "insights"

    def ready(self) -> None:
        from insights.hooks import register_detail_hooks

        register_detail_hooks()
