"""Compliance engine routes: cross-item lint, responsibility matrix, workflow, outsourcings."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response

from app.api.deps import Client, CurrentPrincipal, TenantSession
from app.api.identity_deps import require_plan_access
from app.engines.compliance import LintResult, Workflow, pick_locale
from app.schemas.compliance import (
    AlertRead,
    LintRead,
    LintSummary,
    MatrixCellRead,
    MatrixRead,
    OrgTypeParam,
    OutsourcingCreate,
    OutsourcingRead,
    PostLaunchRead,
    StepRead,
    WorkflowRead,
)
from app.schemas.errors import ERROR_RESPONSES
from app.services import compliance

router = APIRouter(
    tags=["compliance"],
    responses=ERROR_RESPONSES,
    dependencies=[require_plan_access("compliance_engine")],
)


def _rule_index(request: Request) -> compliance.RuleIndexSource:
    cache: compliance.RuleIndexSource = request.app.state.rule_index
    return cache


def lint_read(result: LintResult) -> LintRead:
    return LintRead(
        alerts=[AlertRead.model_validate(a) for a in result.alerts],
        summary=LintSummary.model_validate(result.summary),
        can_sign=result.can_sign,
        not_evaluated=result.not_evaluated,
    )


def workflow_read(workflow: Workflow) -> WorkflowRead:
    return WorkflowRead(
        current_step=workflow.current_step,
        steps=[StepRead.model_validate(s) for s in workflow.steps],
        post_launch=PostLaunchRead(
            item_number=workflow.post_launch_item, status=workflow.post_launch_status
        ),
        outsourcing_suggestions=workflow.outsourcing_suggestions,
    )


@router.get("/products/{product_id}/cross-item-lint", response_model=LintRead)
async def cross_item_lint(
    product_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    request: Request,
    accept_language: Annotated[str | None, Header()] = None,
) -> LintRead:
    """R1-R14 computed live; zh-TW messages unless `Accept-Language` prefers English."""
    result = await compliance.lint_product(
        session,
        principal,
        product_id,
        rule_index=_rule_index(request),
        locale=pick_locale(accept_language),
    )
    return lint_read(result)


@router.get("/pif/responsibility-matrix", response_model=MatrixRead)
async def responsibility_matrix(
    principal: CurrentPrincipal, org_type: Annotated[OrgTypeParam, Query()]
) -> MatrixRead:
    """The 16 cells of one org type (an unknown type is a 422 naming the allowed values)."""
    cells = compliance.responsibility_matrix(org_type)
    return MatrixRead(org_type=org_type, cells=[MatrixCellRead.model_validate(c) for c in cells])


@router.get("/products/{product_id}/pif-responsibilities", response_model=MatrixRead)
async def pif_responsibilities(
    product_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession
) -> MatrixRead:
    org_type, cells = await compliance.product_responsibilities(session, principal, product_id)
    return MatrixRead.model_validate(
        {"org_type": org_type, "cells": [MatrixCellRead.model_validate(c) for c in cells]}
    )


@router.get("/products/{product_id}/pif-workflow", response_model=WorkflowRead)
async def pif_workflow(
    product_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession
) -> WorkflowRead:
    return workflow_read(await compliance.product_workflow(session, principal, product_id))


@router.get("/products/{product_id}/outsourcings", response_model=list[OutsourcingRead])
async def list_outsourcings(
    product_id: uuid.UUID, principal: CurrentPrincipal, session: TenantSession
) -> list[OutsourcingRead]:
    rows = await compliance.list_outsourcings(session, principal, product_id)
    return [OutsourcingRead.model_validate(r) for r in rows]


@router.post("/products/{product_id}/outsourcings", status_code=201, response_model=OutsourcingRead)
async def add_outsourcing(
    product_id: uuid.UUID,
    body: OutsourcingCreate,
    principal: CurrentPrincipal,
    session: TenantSession,
    client: Client,
) -> OutsourcingRead:
    row = await compliance.add_outsourcing(
        session,
        principal,
        principal.user_id,
        product_id,
        item_number=body.item_number,
        vendor=body.vendor,
        note=body.note,
        client=client,
    )
    return OutsourcingRead.model_validate(row)


@router.delete("/products/{product_id}/outsourcings/{outsourcing_id}", status_code=204)
async def remove_outsourcing(
    product_id: uuid.UUID,
    outsourcing_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    client: Client,
) -> Response:
    await compliance.remove_outsourcing(
        session, principal, principal.user_id, product_id, outsourcing_id, client=client
    )
    return Response(status_code=204)
