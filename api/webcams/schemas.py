"""I/O models of webcams."""

from __future__ import annotations

from pydantic import AnyHttpUrl, BaseModel, Field, field_validator


class NewWebcam(BaseModel):
    model_config = {"extra": "forbid"}

    url: AnyHttpUrl = Field(description="An http(s) address of the webcam's image or page.")

    @field_validator("url")
    @classmethod
    def _length(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        if len(str(value)) > 2000:
            raise ValueError("a URL of at most 2000 characters")
        return value
