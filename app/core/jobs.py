"""Jobs buffered during a request and published only after its transaction commits."""

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class JobRef:
    task_id: uuid.UUID
    org_id: uuid.UUID | None
    queue: str


@dataclass
class JobBuffer:
    """Request-scoped; a rolled-back request never publishes (the task row is gone too)."""

    _jobs: list[JobRef] = field(default_factory=list)

    def add(self, job: JobRef) -> None:
        self._jobs.append(job)

    def drain(self) -> list[JobRef]:
        jobs, self._jobs = self._jobs, []
        return jobs
