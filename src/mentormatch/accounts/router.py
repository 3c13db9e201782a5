"""Sign-in, sign-out and the admin's management of staff accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from mentormatch.accounts import passwords, service
from mentormatch.accounts.dependencies import AdminDep, Public, require
from mentormatch.accounts.models import Role
from mentormatch.accounts.principal import Principal
from mentormatch.accounts.schemas import (
    PasswordChange,
    PasswordForgot,
    PasswordSet,
    SignInForm,
    Token,
    UserCreate,
    UserPage,
    UserPublic,
    UserUpdate,
)
from mentormatch.audit import service as audit
from mentormatch.deps import ClientDep, Limit, NowDep, Offset, RowId, SessionDep, SettingsDep
from mentormatch.errors import error_responses
from mentormatch.openapi import link

router = APIRouter(prefix="/api/v1", tags=["accounts"])
SignedInDep = Annotated[Principal, Depends(require(Role.admin, Role.coordinator, Role.mentor))]


_AS_THIS_ACCOUNT = {"header.Authorization": "Bearer {$response.body#/access_token}"}


@router.post(
    "/auth/token",
    response_model=Token,
    dependencies=[Public],
    responses={
        200: {
            "links": {
                "ReadOwnMentorProfile": link(
                    "mentors_read_own",
                    "A mentor reads their profile with the token",
                    parameters=_AS_THIS_ACCOUNT,
                ),
                "ListOwnRequests": link(
                    "pairings_my_pairings",
                    "A mentor lists their requests with the token",
                    parameters=_AS_THIS_ACCOUNT,
                ),
                "SignOut": link("accounts_logout", "Revoke the token", parameters=_AS_THIS_ACCOUNT),
            }
        },
        **error_responses(401, 413, 422, 429),
    },
)
def issue_token(
    form: Annotated[SignInForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    now: NowDep,
) -> Token:
    """Sign in with email (as `username`) and password; returns a bearer token."""
    token, user = service.authenticate(
        session,
        email=form.username,
        password=form.password,
        client=client,
        now=now,
        settings=settings,
    )
    return Token(access_token=token, expires_in=settings.token_ttl_minutes * 60, role=user.role)


@router.post("/auth/logout", status_code=204, responses=error_responses(401, 403))
def logout(principal: SignedInDep, session: SessionDep) -> None:
    """Revoke the token used for this request."""
    service.revoke_session(session, principal=principal)


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=201,
    responses={
        201: {
            "links": {
                "EnableOrDisable": link(
                    "accounts_update_user",
                    "Enable or disable the new account",
                    parameters={"path.user_id": "$response.body#/id"},
                )
            }
        },
        **error_responses(401, 403, 404, 409, 413, 422),
    },
)
def create_user(
    body: UserCreate, admin: AdminDep, session: SessionDep, settings: SettingsDep
) -> UserPublic:
    """Create a coordinator or admin account; without a password, invite them to choose one.
    A coordinator joins the programs listed in `programs` (slugs)."""
    user = service.create_user(
        session,
        email=body.email,
        password=body.password,
        role=Role(body.role),
        programs=body.programs,
    )
    if body.password is None:
        service.invite(session, user=user, settings=settings)
    audit.record(session, actor=admin, action="create", object_type="user", object_id=user.id)
    session.commit()
    return UserPublic.model_validate(user)


@router.get("/users", response_model=UserPage, responses=error_responses(401, 403, 422))
def list_users(
    admin: AdminDep,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=254, description="part of the email")] = None,
    role: Role | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> UserPage:
    """A page of accounts, oldest first, with how many match in all."""
    rows, total = service.list_users(session, q=q, role=role, limit=limit, offset=offset)
    items = [UserPublic.model_validate(u) for u in rows]
    return UserPage(items=items, total=total, limit=limit, offset=offset)


@router.patch(
    "/users/{user_id}",
    response_model=UserPublic,
    responses=error_responses(401, 403, 404, 413, 422),
)
def update_user(
    user_id: RowId, body: UserUpdate, admin: AdminDep, session: SessionDep
) -> UserPublic:
    """Enable or disable an account (disabling revokes its tokens at once)."""
    user = service.set_active(session, actor=admin, user_id=user_id, is_active=body.is_active)
    return UserPublic.model_validate(user)


@router.post(
    "/users/{user_id}/password-reset",
    status_code=202,
    responses=error_responses(401, 403, 404, 409, 422),
)
def send_password_reset(
    user_id: RowId, admin: AdminDep, session: SessionDep, settings: SettingsDep
) -> dict[str, str]:
    """Send an account's owner a link to choose a new password (a new invitation if they
    never chose one), through the outbox. Refused (409) for a disabled account."""
    service.send_reset(session, actor=admin, user_id=user_id, settings=settings)
    return {"detail": "a link to choose a new password is on its way"}


@router.post(
    "/account/password/forgot",
    status_code=202,
    dependencies=[Public],
    responses=error_responses(413, 422),
)
def forgot_password(
    body: PasswordForgot, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> dict[str, str]:
    """Ask for a reset link by email. The answer is the same whether or not the account exists."""
    passwords.request_reset(session, email=body.email, settings=settings, client=client)
    return {"detail": "if an account has this email, a reset link is on its way"}


@router.post(
    "/account/password/set",
    status_code=204,
    dependencies=[Public],
    responses=error_responses(413, 422),
)
def set_password(body: PasswordSet, session: SessionDep, client: ClientDep) -> None:
    """Choose a password with the token of an invitation or reset link (usable once).

    Every session of the account is signed out; sign in with the new password.
    """
    passwords.set_with_token(session, token=body.token, password=body.password, client=client)


@router.post(
    "/account/password/change",
    status_code=204,
    responses=error_responses(401, 403, 413, 422, 429),
)
def change_password(
    body: PasswordChange,
    principal: SignedInDep,
    session: SessionDep,
    settings: SettingsDep,
    client: ClientDep,
    now: NowDep,
) -> None:
    """Change your password (the current one is needed); your other sessions are signed out."""
    passwords.change(
        session,
        principal=principal,
        current=body.current_password,
        new=body.new_password,
        client=client,
        now=now,
        settings=settings,
    )
