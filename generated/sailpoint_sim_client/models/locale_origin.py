from enum import StrEnum


class LocaleOrigin(StrEnum):
    DEFAULT = "DEFAULT"
    REQUEST = "REQUEST"

    def __str__(self) -> str:
        return str(self.value)
