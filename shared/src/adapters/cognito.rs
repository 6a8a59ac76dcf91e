//! End users' sign-ins in an Amazon Cognito user pool: the `Identity` port for AWS, and the
//! pool that the local server creates on moto.

use super::aws_errors::sdk_error;
use crate::domain::{EmailAddress, Password};
use crate::ports::{Identity, IdentityError};
use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::operation::admin_create_user::AdminCreateUserError;
use aws_sdk_cognitoidentityprovider::operation::admin_delete_user::AdminDeleteUserError;
use aws_sdk_cognitoidentityprovider::operation::admin_set_user_password::AdminSetUserPasswordError;
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, AttributeType, MessageActionType, PasswordPolicyType,
    UserPoolPolicyType, UsernameAttributeType, UsernameConfigurationType,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::body::SdkBody;
use serde_json::Value;

pub struct CognitoIdentity {
    client: Client,
    user_pool_id: String,
    /// The app client that may check passwords server-side (`ADMIN_USER_PASSWORD_AUTH`);
    /// functions that never check one have none.
    sign_in_client_id: Option<String>,
}

impl CognitoIdentity {
    pub fn new(
        client: Client,
        user_pool_id: impl Into<String>,
        sign_in_client_id: Option<String>,
    ) -> Self {
        Self {
            client,
            user_pool_id: user_pool_id.into(),
            sign_in_client_id,
        }
    }

    /// The pool uses the e-mail address as user name. It is sent in the form under which the
    /// platform keeps addresses unique, so that creating and deleting always name the same
    /// user even where a pool (or moto) compares user names case-sensitively.
    fn username(email: &EmailAddress) -> String {
        email.normalized()
    }

    async fn subject(&self, username: &str) -> Result<String, IdentityError> {
        let user = self
            .client
            .admin_get_user()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .send()
            .await
            .map_err(|e| unavailable("Cognito AdminGetUser", e))?;
        sub_of(user.user_attributes()).ok_or_else(|| {
            IdentityError::Unavailable(anyhow::anyhow!("Cognito AdminGetUser: no sub attribute"))
        })
    }

    async fn delete_user(&self, username: &str) -> Result<(), IdentityError> {
        match self
            .client
            .admin_delete_user()
            .user_pool_id(&self.user_pool_id)
            .username(username)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(AdminDeleteUserError::UserNotFoundException(_))
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(unavailable("Cognito AdminDeleteUser", e)),
        }
    }

    /// Revokes the tokens a password check was issued (the refresh token and the access
    /// tokens made from it), so that no session outlives the check. Best effort: they are
    /// dropped unread either way.
    async fn revoke(&self, client_id: &str, refresh_token: &str) {
        let revoked = self
            .client
            .revoke_token()
            .client_id(client_id)
            .token(refresh_token)
            .send()
            .await;
        if let Err(e) = revoked {
            tracing::warn!(error = %sdk_error("Cognito RevokeToken", e), "tokens of a password check not revoked");
        }
    }

    /// Removes a sign-in that `create` could not finish, so that no user without the chosen
    /// password stays behind. A failure here is only logged: the caller gets the error that
    /// stopped `create`, and a later `create` finds the leftover as `Exists`.
    async fn undo_create(&self, username: &str) {
        if let Err(e) = self.delete_user(username).await {
            tracing::error!(error = ?e, "half-made Cognito user not removed");
        }
    }
}

fn unavailable<E>(operation: &str, err: SdkError<E, HttpResponse>) -> IdentityError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    IdentityError::Unavailable(sdk_error(operation, err))
}

fn attribute(name: &str, value: &str) -> Result<AttributeType, IdentityError> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|e| IdentityError::Unavailable(anyhow::Error::new(e).context("Cognito attribute")))
}

fn sub_of(attributes: &[AttributeType]) -> Option<String> {
    attributes
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .map(str::to_owned)
}

#[async_trait]
impl Identity for CognitoIdentity {
    async fn create(
        &self,
        email: &EmailAddress,
        password: &Password,
    ) -> Result<String, IdentityError> {
        let username = Self::username(email);
        let created = self
            .client
            .admin_create_user()
            .user_pool_id(&self.user_pool_id)
            .username(&username)
            .user_attributes(attribute("email", &username)?)
            // The registration link reached this address, which is what verifying it means.
            .user_attributes(attribute("email_verified", "true")?)
            // Our own invitation replaces Cognito's welcome message with a temporary password.
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .map_err(|e| {
                if matches!(
                    e.as_service_error(),
                    Some(AdminCreateUserError::UsernameExistsException(_))
                ) {
                    IdentityError::Exists
                } else {
                    unavailable("Cognito AdminCreateUser", e)
                }
            })?;

        if let Err(e) = self
            .client
            .admin_set_user_password()
            .user_pool_id(&self.user_pool_id)
            .username(&username)
            .password(password.expose())
            .permanent(true)
            .send()
            .await
        {
            let error = match e.as_service_error() {
                // Cognito's policy messages describe the rule, never the password.
                Some(AdminSetUserPasswordError::InvalidPasswordException(refused)) => {
                    IdentityError::PasswordRefused(
                        refused
                            .message()
                            .unwrap_or("does not meet the password policy")
                            .to_owned(),
                    )
                }
                // The only input constraint a parsed `Password` can still break is Cognito's
                // pattern `^[\S]+.*[\S]+$`; its message is not shown, as it may quote input.
                Some(AdminSetUserPasswordError::InvalidParameterException(_)) => {
                    IdentityError::PasswordRefused("must not begin or end with a space".into())
                }
                _ => unavailable("Cognito AdminSetUserPassword", e),
            };
            self.undo_create(&username).await;
            return Err(error);
        }

        let from_response = created.user().and_then(|u| sub_of(u.attributes()));
        match from_response {
            Some(sub) => Ok(sub),
            None => match self.subject(&username).await {
                Ok(sub) => Ok(sub),
                Err(e) => {
                    self.undo_create(&username).await;
                    Err(e)
                }
            },
        }
    }

    /// `AdminInitiateAuth` with the password: the tokens it may return are dropped at once;
    /// a challenge (TOTP set up by the end user) also means the password was right.
    async fn verify(
        &self,
        email: &EmailAddress,
        password: &str,
    ) -> Result<Option<String>, IdentityError> {
        use aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthError as E;
        use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
        let client_id = self.sign_in_client_id.as_deref().ok_or_else(|| {
            IdentityError::Unavailable(anyhow::anyhow!("no app client to check passwords"))
        })?;
        let username = Self::username(email);
        let checked = self
            .client
            .admin_initiate_auth()
            .user_pool_id(&self.user_pool_id)
            .client_id(client_id)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", &username)
            .auth_parameters("PASSWORD", password)
            .send()
            .await;
        match checked {
            Ok(out) => {
                if let Some(refresh) = out.authentication_result().and_then(|r| r.refresh_token()) {
                    self.revoke(client_id, refresh).await;
                }
                self.subject(&username).await.map(Some)
            }
            Err(e) => match e.as_service_error() {
                Some(E::NotAuthorizedException(_) | E::UserNotFoundException(_)) => Ok(None),
                _ => Err(unavailable("Cognito AdminInitiateAuth", e)),
            },
        }
    }

    async fn find(&self, email: &EmailAddress) -> Result<Option<String>, IdentityError> {
        use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserError as E;
        let found = self
            .client
            .admin_get_user()
            .user_pool_id(&self.user_pool_id)
            .username(Self::username(email))
            .send()
            .await;
        match found {
            Ok(user) => Ok(sub_of(user.user_attributes())),
            Err(e) if matches!(e.as_service_error(), Some(E::UserNotFoundException(_))) => Ok(None),
            Err(e) => Err(unavailable("Cognito AdminGetUser", e)),
        }
    }

    /// Cognito takes a user's `sub` wherever it takes a user name (with the e-mail address as
    /// sign-in name, the user name is the `sub`).
    async fn delete(&self, subject: &str) -> Result<(), IdentityError> {
        self.delete_user(subject).await
    }
}

/// The app client named `name` that may check passwords server-side
/// (`ADMIN_USER_PASSWORD_AUTH`), created when missing: template.yaml's registration client,
/// made on moto by the local server and the tests.
pub async fn ensure_sign_in_client(
    cognito: &Client,
    pool_id: &str,
    name: &str,
) -> anyhow::Result<String> {
    use aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType as Flow;
    let existing = cognito
        .list_user_pool_clients()
        .user_pool_id(pool_id)
        .max_results(60)
        .send()
        .await
        .map_err(|e| sdk_error("Cognito ListUserPoolClients", e))?;
    if let Some(id) = existing
        .user_pool_clients()
        .iter()
        .find(|c| c.client_name() == Some(name))
        .and_then(|c| c.client_id())
    {
        return Ok(id.to_owned());
    }
    let created = cognito
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name(name)
        .explicit_auth_flows(Flow::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(Flow::AllowRefreshTokenAuth)
        .send()
        .await
        .map_err(|e| sdk_error("Cognito CreateUserPoolClient", e))?;
    created
        .user_pool_client()
        .and_then(|c| c.client_id())
        .map(str::to_owned)
        .context("app client without id")
}

/// The id of the user pool named `name`, created with the settings of `template.yaml`'s pool
/// when there is none (the local server on moto).
pub async fn ensure_user_pool(client: &Client, name: &str) -> anyhow::Result<String> {
    let mut pools = client
        .list_user_pools()
        .max_results(60)
        .into_paginator()
        .items()
        .send();
    while let Some(pool) = pools.next().await {
        let pool = pool.map_err(|e| sdk_error("Cognito ListUserPools", e))?;
        if pool.name() == Some(name) {
            return pool
                .id()
                .map(str::to_owned)
                .context("Cognito ListUserPools: pool without id");
        }
    }

    // Only the length the API checks: character classes would make Cognito refuse passwords
    // that the API accepted.
    let password_policy = PasswordPolicyType::builder()
        .minimum_length(Password::MIN_CHARS as i32)
        .require_lowercase(false)
        .require_uppercase(false)
        .require_numbers(false)
        .require_symbols(false)
        .build();
    let created = client
        .create_user_pool()
        .pool_name(name)
        .username_attributes(UsernameAttributeType::Email)
        .username_configuration(
            UsernameConfigurationType::builder()
                .case_sensitive(false)
                .build()
                .context("Cognito username configuration")?,
        )
        .admin_create_user_config(
            AdminCreateUserConfigType::builder()
                .allow_admin_create_user_only(true)
                .build(),
        )
        .policies(
            UserPoolPolicyType::builder()
                .password_policy(password_policy)
                .build(),
        )
        .customize()
        .mutate_request(spell_out_password_flags)
        .send()
        .await
        .map_err(|e| sdk_error("Cognito CreateUserPool", e))?;
    created
        .user_pool()
        .and_then(|p| p.id())
        .map(str::to_owned)
        .context("Cognito CreateUserPool: no pool id in the answer")
}

/// The Rust SDK leaves `false` flags of a password policy out of the request. Cognito reads a
/// missing flag as `false`, but moto as `true`, and would then refuse most passwords that the
/// API accepts; sending the flags spelt out means the same to Cognito.
fn spell_out_password_flags(request: &mut HttpRequest) {
    let Some(mut body) = request
        .body()
        .bytes()
        .and_then(|b| serde_json::from_slice::<Value>(b).ok())
    else {
        return;
    };
    let Some(policy) = body
        .pointer_mut("/Policies/PasswordPolicy")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for flag in [
        "RequireUppercase",
        "RequireLowercase",
        "RequireNumbers",
        "RequireSymbols",
    ] {
        policy.entry(flag).or_insert(Value::Bool(false));
    }
    let body = body.to_string();
    request
        .headers_mut()
        .insert("content-length", body.len().to_string());
    *request.body_mut() = SdkBody::from(body);
}
