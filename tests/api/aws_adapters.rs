//! The AWS adapters for e-mail (SES), SMS (SNS) and end users' sign-ins (Cognito) against
//! moto's server mode: what they send arrives as the service records it, and the service's
//! refusals become the ports' errors.
//!
//! moto keeps sent mail and SMS as models that `GET /moto-api/data.json` lists: `ses` →
//! `Message` (source, destinations, subject, and only the HTML body when there is one) and
//! `sns` → `SMS` (phone number and text, no message attributes). What moto drops is checked
//! on the request as it left the SDK.

use crate::moto::cognito_client;
use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserError;
use aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthError;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType, ExplicitAuthFlowsType};
use aws_sdk_sesv2::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_sesv2::config::{
    BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents,
};
use aws_sdk_sesv2::error::BoxError;
use serde_json::Value;
use shared::adapters::cognito::{CognitoIdentity, ensure_user_pool};
use shared::adapters::ses::{SesMailer, ensure_configuration_set, ensure_identity};
use shared::adapters::sns::SnsSms;
use shared::domain::{EmailAddress, MobileNumber, Password};
use shared::ports::{EmailMessage, Identity, IdentityError, Mailer, SmsMessage, SmsSender};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};

// ---------------------------------------------------------------------------------------------
// Clients and moto's records
// ---------------------------------------------------------------------------------------------

const REGION: &str = "eu-central-1";

fn credentials() -> Credentials {
    Credentials::new("test", "test", None, None, "moto")
}

/// The requests a client sent, as they left the SDK: moto does not keep everything it is sent
/// (the text part of an e-mail, the SMS type), nor the signature a request carried.
#[derive(Debug, Clone, Default)]
struct Wire(Arc<Mutex<Vec<Sent>>>);

/// One request: its body (when it had one in memory) and its signing headers.
#[derive(Debug, Clone)]
struct Sent {
    body: Option<String>,
    authorization: String,
    security_token: String,
}

impl Wire {
    fn bodies(&self) -> Vec<String> {
        let sent = self.0.lock().unwrap();
        sent.iter().filter_map(|s| s.body.clone()).collect()
    }

    /// The `authorization` and `x-amz-security-token` headers of the last request.
    fn last_signature(&self) -> Option<(String, String)> {
        let sent = self.0.lock().unwrap();
        sent.last()
            .map(|s| (s.authorization.clone(), s.security_token.clone()))
    }
}

impl Intercept for Wire {
    fn name(&self) -> &'static str {
        "Wire"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let header = |name: &str| request.headers().get(name).unwrap_or_default().to_owned();
        self.0.lock().unwrap().push(Sent {
            body: request
                .body()
                .bytes()
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned()),
            authorization: header("authorization"),
            security_token: header("x-amz-security-token"),
        });
        Ok(())
    }
}

fn ses_client(wire: &Wire) -> aws_sdk_sesv2::Client {
    let config = aws_sdk_sesv2::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(credentials())
        .endpoint_url(crate::moto::endpoint())
        .interceptor(wire.clone())
        .build();
    aws_sdk_sesv2::Client::from_conf(config)
}

fn sns_client(wire: &Wire) -> aws_sdk_sns::Client {
    let config = aws_sdk_sns::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(credentials())
        .endpoint_url(crate::moto::endpoint())
        .interceptor(wire.clone())
        .build();
    aws_sdk_sns::Client::from_conf(config)
}

/// moto's state (`GET /moto-api/data.json`), read over a bare HTTP/1.0 connection.
async fn moto_data() -> Value {
    let endpoint = crate::moto::endpoint();
    let host = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let raw = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&host).expect("connecting to moto");
        let request = format!("GET /moto-api/data.json HTTP/1.0\r\nHost: {host}\r\n\r\n");
        stream.write_all(request.as_bytes()).expect("asking moto");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("reading moto's answer");
        raw
    })
    .await
    .unwrap();
    let raw = String::from_utf8(raw).expect("moto answers in UTF-8");
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(
        head.starts_with("HTTP/1.") && head.contains(" 200 "),
        "{head}"
    );
    serde_json::from_str(body).expect("data.json is JSON")
}

/// The records of one moto model, e.g. `("ses", "Message")`.
pub(crate) async fn moto_records(service: &str, model: &str) -> Vec<Value> {
    moto_data().await[service][model]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

// ---------------------------------------------------------------------------------------------
// SES
// ---------------------------------------------------------------------------------------------

fn invitation(to: &str, marker: &str) -> EmailMessage {
    let link = format!("https://portal.example.com/register#token={marker}");
    EmailMessage {
        to: EmailAddress::parse(to).unwrap(),
        subject: format!("Ihr Zugang zum Kanzleiportal – Einladung {marker}"),
        text: format!("Guten Tag,\n\nbitte registrieren Sie sich: {link}\n"),
        html: format!("<p>Guten Tag,</p><p><a href=\"{link}\">Jetzt registrieren</a></p>"),
    }
}

#[tokio::test]
async fn an_email_from_a_verified_sender_reaches_ses_with_recipient_subject_and_both_bodies() {
    let wire = Wire::default();
    let client = ses_client(&wire);
    let marker = unique();
    let sender = format!("noreply-{marker}@kanzlei.example.com");
    ensure_identity(&client, &sender)
        .await
        .expect("creating the identity");
    ensure_identity(&client, &sender)
        .await
        .expect("an existing identity is fine");
    let events = format!("mail-events-{marker}");
    ensure_configuration_set(&client, &events)
        .await
        .expect("creating the configuration set");
    ensure_configuration_set(&client, &events)
        .await
        .expect("an existing configuration set is fine");
    let mailer = SesMailer::new(
        client,
        format!("Steuerkanzlei Muster <{sender}>"),
        Some(events.clone()),
    );
    let message = invitation(&format!("erika-{marker}@example.com"), &marker);

    let id = mailer.send(&message).await.expect("SES accepts the e-mail");

    let sent: Vec<Value> = moto_records("ses", "Message")
        .await
        .into_iter()
        .filter(|m| m["subject"] == message.subject)
        .collect();
    assert_eq!(sent.len(), 1, "one e-mail with this subject: {sent:#?}");
    let sent = &sent[0];
    assert_eq!(sent["source"], format!("Steuerkanzlei Muster <{sender}>"));
    assert_eq!(
        sent["destinations"],
        serde_json::json!({"ToAddresses": [message.to.as_str()]})
    );
    assert_eq!(sent["body"], message.html, "moto keeps the HTML part");
    assert_eq!(
        sent["id"],
        id.as_str(),
        "the message id that reports will name"
    );

    let request: Value = wire
        .bodies()
        .iter()
        .filter_map(|b| serde_json::from_str::<Value>(b).ok())
        .find(|b| b["Content"].is_object())
        .expect("a SendEmail request");
    let simple = &request["Content"]["Simple"];
    assert_eq!(simple["Subject"]["Data"], message.subject);
    assert_eq!(simple["Subject"]["Charset"], "UTF-8");
    assert_eq!(simple["Body"]["Text"]["Data"], message.text);
    assert_eq!(simple["Body"]["Text"]["Charset"], "UTF-8");
    assert_eq!(simple["Body"]["Html"]["Data"], message.html);
    assert_eq!(simple["Body"]["Html"]["Charset"], "UTF-8");
    assert_eq!(
        request["ConfigurationSetName"], events,
        "sent through the configuration set whose events report deliveries"
    );
}

#[tokio::test]
async fn an_email_from_an_unverified_sender_is_a_delivery_error_that_names_neither_address_nor_link()
 {
    let marker = unique();
    let mailer = SesMailer::new(
        ses_client(&Wire::default()),
        format!("noreply@{marker}.example.net"),
        None,
    );
    let message = invitation(&format!("erika-{marker}@example.com"), &marker);

    let error = mailer
        .send(&message)
        .await
        .expect_err("SES refuses an unverified sender");

    let described = format!("{error:#} {error:?}");
    assert!(described.contains("MessageRejected"), "{described}");
    assert!(
        !described.contains(&marker),
        "no address or token: {described}"
    );
    let sent = moto_records("ses", "Message").await;
    assert!(!sent.iter().any(|m| m["subject"] == message.subject));
}

// ---------------------------------------------------------------------------------------------
// SNS
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_sms_reaches_sns_at_the_e164_number_as_a_transactional_message() {
    let wire = Wire::default();
    let sms = SnsSms::new(sns_client(&wire));
    let marker = unique();
    let message = SmsMessage {
        to: MobileNumber::parse("0170 1234567").unwrap(),
        text: format!("Ihr Registrierungscode: ABCD-EFGH ({marker})"),
    };

    sms.send(&message).await.expect("SNS accepts the SMS");

    let sent: Vec<Value> = moto_records("sns", "SMS")
        .await
        .into_iter()
        .filter(|m| m["message"] == message.text)
        .collect();
    assert_eq!(sent.len(), 1, "one SMS with this text: {sent:#?}");
    assert_eq!(sent[0]["phone_number"], "+491701234567");

    // SNS speaks the query protocol: form fields, URL-encoded.
    let request = wire
        .bodies()
        .into_iter()
        .find(|b| b.contains("Action=Publish"))
        .expect("a Publish request");
    let fields: Vec<&str> = request.split('&').collect();
    assert!(fields.contains(&"PhoneNumber=%2B491701234567"), "{request}");
    let attribute = |suffix: &str| {
        fields
            .iter()
            .find_map(|f| {
                f.strip_prefix("MessageAttributes.entry.1.")
                    .and_then(|f| f.strip_prefix(suffix))
            })
            .map(str::to_owned)
    };
    assert_eq!(
        attribute("Name=").as_deref(),
        Some("AWS.SNS.SMS.SMSType"),
        "{request}"
    );
    assert_eq!(
        attribute("Value.DataType=").as_deref(),
        Some("String"),
        "{request}"
    );
    assert_eq!(
        attribute("Value.StringValue=").as_deref(),
        Some("Transactional"),
        "{request}"
    );
}

#[tokio::test]
async fn an_sms_that_sns_refuses_is_a_delivery_error_that_names_neither_number_nor_code() {
    let sms = SnsSms::new(sns_client(&Wire::default()));
    let marker = unique();
    // SNS's limit is 1600 bytes; the code stands for the secret that must not be logged.
    let message = SmsMessage {
        to: MobileNumber::parse("0170 1234567").unwrap(),
        text: format!("Code {marker} {}", "x".repeat(1600)),
    };

    let error = sms.send(&message).await.expect_err("SNS refuses the SMS");

    let described = format!("{error:#} {error:?}");
    assert!(described.contains("SNS Publish"), "{described}");
    assert!(!described.contains(&marker), "{described}");
    assert!(!described.contains("1701234567"), "{described}");
}

// ---------------------------------------------------------------------------------------------
// Cognito
// ---------------------------------------------------------------------------------------------

/// A fresh pool made by `ensure_user_pool` and an app client that may sign in with a password
/// as an administrator, as the local server's `/dev/login` would.
async fn fresh_pool() -> (aws_sdk_cognitoidentityprovider::Client, String, String) {
    let client = cognito_client();
    let name = format!("users-{}", unique());
    let pool_id = ensure_user_pool(&client, &name)
        .await
        .expect("creating the pool");
    assert_eq!(
        ensure_user_pool(&client, &name)
            .await
            .expect("finding the pool"),
        pool_id,
        "a second call finds the pool instead of making another"
    );
    let app = client
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("tests")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("creating an app client");
    let client_id = app
        .user_pool_client()
        .and_then(|c| c.client_id())
        .expect("client id")
        .to_owned();
    (client, pool_id, client_id)
}

async fn admin_get_user(
    client: &aws_sdk_cognitoidentityprovider::Client,
    pool_id: &str,
    username: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<AdminGetUserError>,
> {
    client
        .admin_get_user()
        .user_pool_id(pool_id)
        .username(username)
        .send()
        .await
}

fn attribute_of(
    user: &aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput,
    name: &str,
) -> Option<String> {
    user.user_attributes()
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
        .map(str::to_owned)
}

async fn sign_in(
    client: &aws_sdk_cognitoidentityprovider::Client,
    pool_id: &str,
    client_id: &str,
    email: &str,
    password: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<AdminInitiateAuthError>,
> {
    client
        .admin_initiate_auth()
        .user_pool_id(pool_id)
        .client_id(client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
}

/// The claims of a JWT, unverified (moto signed it; the test only reads `sub`).
fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT has a payload");
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut bytes = Vec::new();
    for c in payload.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => continue,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    serde_json::from_slice(&bytes).expect("JWT claims are JSON")
}

fn password(raw: &str, email: &EmailAddress) -> Password {
    Password::parse(raw, email).unwrap()
}

#[tokio::test]
async fn a_created_sign_in_is_a_confirmed_cognito_user_whose_sub_is_the_subject_and_whose_password_signs_in()
 {
    let (client, pool_id, client_id) = fresh_pool().await;
    let identity = CognitoIdentity::new(client.clone(), &pool_id, Some(client_id.clone()));
    let email = EmailAddress::parse(&format!("erika-{}@example.com", unique())).unwrap();
    // Lower-case letters only: accepted because the pool asks for nothing but 12 characters
    // (moto requires every character class unless the flags are sent as `false`).
    let secret = "nurkleinebuchstaben";

    let subject = identity
        .create(&email, &password(secret, &email))
        .await
        .expect("creating the sign-in");

    let user = admin_get_user(&client, &pool_id, email.as_str())
        .await
        .expect("the user is found by its e-mail address");
    assert_eq!(
        attribute_of(&user, "sub").as_deref(),
        Some(subject.as_str())
    );
    assert_eq!(
        attribute_of(&user, "email").as_deref(),
        Some(email.as_str())
    );
    assert_eq!(
        attribute_of(&user, "email_verified").as_deref(),
        Some("true")
    );
    assert_eq!(user.user_status().map(|s| s.as_str()), Some("CONFIRMED"));

    let signed_in = sign_in(&client, &pool_id, &client_id, email.as_str(), secret)
        .await
        .expect("the password signs in");
    let result = signed_in
        .authentication_result()
        .expect("tokens, no challenge");
    let id_token = result.id_token().expect("an id token");
    assert_eq!(claims(id_token)["sub"], subject.as_str());

    let wrong = sign_in(
        &client,
        &pool_id,
        &client_id,
        email.as_str(),
        "falsches-Passwort",
    )
    .await
    .expect_err("a wrong password does not sign in");
    assert!(
        matches!(
            wrong.as_service_error(),
            Some(AdminInitiateAuthError::NotAuthorizedException(_))
        ),
        "{wrong:?}"
    );
}

#[tokio::test]
async fn creating_a_sign_in_for_an_address_that_has_one_is_exists_and_keeps_the_first() {
    let (client, pool_id, client_id) = fresh_pool().await;
    let identity = CognitoIdentity::new(client.clone(), &pool_id, Some(client_id.clone()));
    let email = EmailAddress::parse(&format!("max-{}@example.com", unique())).unwrap();
    let first = identity
        .create(&email, &password("erstes-Passwort-123", &email))
        .await
        .unwrap();

    let again = identity
        .create(&email, &password("zweites-Passwort-456", &email))
        .await;

    assert!(matches!(again, Err(IdentityError::Exists)), "{again:?}");
    let user = admin_get_user(&client, &pool_id, email.as_str())
        .await
        .unwrap();
    assert_eq!(attribute_of(&user, "sub"), Some(first));
    sign_in(
        &client,
        &pool_id,
        &client_id,
        email.as_str(),
        "erstes-Passwort-123",
    )
    .await
    .expect("the first password still signs in");
}

#[tokio::test]
async fn a_password_the_pool_refuses_is_password_refused_and_leaves_no_user_behind() {
    let client = cognito_client();
    let pool_id = crate::moto::pool_wanting_digits(&client).await;
    let identity = CognitoIdentity::new(client.clone(), &pool_id, None);
    let email = EmailAddress::parse(&format!("lena-{}@example.com", unique())).unwrap();

    let refused = identity
        .create(&email, &password("Ohne-Jede-Ziffer", &email))
        .await;

    match refused {
        Err(IdentityError::PasswordRefused(why)) => {
            assert!(!why.is_empty());
            assert!(!why.contains("Ohne-Jede-Ziffer"), "{why}");
        }
        other => panic!("expected PasswordRefused, got {other:?}"),
    }
    let gone = admin_get_user(&client, &pool_id, email.as_str())
        .await
        .expect_err("no half-made user");
    assert!(
        matches!(
            gone.as_service_error(),
            Some(AdminGetUserError::UserNotFoundException(_))
        ),
        "{gone:?}"
    );
    identity
        .create(&email, &password("Mit-Ziffer-2024", &email))
        .await
        .expect("the address is free for the next attempt");
}

#[tokio::test]
async fn deleting_a_sign_in_removes_the_user_of_its_subject_even_after_its_address_went_to_another_and_finding_one_by_address_answers_its_subject()
 {
    let (client, pool_id, client_id) = fresh_pool().await;
    let identity = CognitoIdentity::new(client.clone(), &pool_id, Some(client_id.clone()));
    let marker = unique();
    let typed = EmailAddress::parse(&format!("Erika.Muster-{marker}@Example.com")).unwrap();
    let erika = identity
        .create(&typed, &password("ein-sicheres-Passwort", &typed))
        .await
        .unwrap();
    // The sign-in name is the address as the platform compares it.
    sign_in(
        &client,
        &pool_id,
        &client_id,
        &typed.normalized(),
        "ein-sicheres-Passwort",
    )
    .await
    .expect("signs in with the lower-case address");
    // Erika's sign-in moves to another address (as an administrator could do), and her old
    // address gets a sign-in of its own: deleting hers must not find the other by address.
    let moved = format!("erika-neu-{marker}@example.com");
    client
        .admin_update_user_attributes()
        .user_pool_id(&pool_id)
        .username(typed.normalized())
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value(&moved)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("moving the address");
    let other = identity
        .create(&typed, &password("ein-anderes-Passwort", &typed))
        .await
        .expect("the old address is free for another sign-in");
    assert_ne!(other, erika);
    assert_eq!(identity.find(&typed).await.unwrap(), Some(other.clone()));

    identity.delete(&erika).await.expect("deleting the sign-in");

    let gone = admin_get_user(&client, &pool_id, &moved)
        .await
        .expect_err("erika's user is gone");
    assert!(
        matches!(
            gone.as_service_error(),
            Some(AdminGetUserError::UserNotFoundException(_))
        ),
        "{gone:?}"
    );
    let kept = admin_get_user(&client, &pool_id, &typed.normalized())
        .await
        .expect("the other sign-in of the old address is kept");
    assert_eq!(attribute_of(&kept, "sub"), Some(other));
    identity
        .delete(&erika)
        .await
        .expect("deleting a missing sign-in succeeds");
    let moved = EmailAddress::parse(&moved).unwrap();
    assert_eq!(identity.find(&moved).await.unwrap(), None, "no sign-in");
}

#[tokio::test]
async fn an_unknown_user_pool_makes_the_identity_unavailable() {
    let identity = CognitoIdentity::new(
        cognito_client(),
        format!("{REGION}_missing{}", &unique()[..8]),
        None,
    );
    let email = EmailAddress::parse("erika@example.com").unwrap();

    let created = identity
        .create(&email, &password("ein-sicheres-Passwort", &email))
        .await;
    let deleted = identity
        .delete("9c7a8e1e-0000-4000-8000-000000000000")
        .await;
    let found = identity.find(&email).await;
    assert!(
        matches!(found, Err(IdentityError::Unavailable(_))),
        "{found:?}"
    );

    assert!(
        matches!(created, Err(IdentityError::Unavailable(_))),
        "{created:?}"
    );
    assert!(
        matches!(deleted, Err(IdentityError::Unavailable(_))),
        "{deleted:?}"
    );
    let described = format!("{:?}", created.unwrap_err());
    assert!(!described.contains("erika"), "{described}");
}

#[tokio::test]
async fn checking_a_password_on_cognito_finds_the_subject_only_for_the_right_one_and_changes_nothing()
 {
    let (client, pool_id, client_id) = fresh_pool().await;
    let identity = CognitoIdentity::new(client.clone(), &pool_id, Some(client_id.clone()));
    let email = EmailAddress::parse(&format!("zweiter-{}@example.com", unique())).unwrap();
    let secret = "mein-langes-Passwort-2026";
    let subject = identity
        .create(&email, &password(secret, &email))
        .await
        .unwrap();

    assert_eq!(
        identity.verify(&email, secret).await.unwrap().as_deref(),
        Some(subject.as_str())
    );
    assert_eq!(
        identity
            .verify(&email, "ein-falsches-Passwort")
            .await
            .unwrap(),
        None
    );
    let nobody = EmailAddress::parse(&format!("niemand-{}@example.com", unique())).unwrap();
    assert_eq!(identity.verify(&nobody, secret).await.unwrap(), None);
    // The check signs nothing in for later and leaves the password as it was.
    sign_in(&client, &pool_id, &client_id, email.as_str(), secret)
        .await
        .expect("the password still signs in");
    let without_client = CognitoIdentity::new(client.clone(), &pool_id, None);
    assert!(matches!(
        without_client.verify(&email, secret).await,
        Err(IdentityError::Unavailable(_))
    ));
}

#[tokio::test]
async fn an_end_user_sign_in_for_a_specialists_address_leaves_the_staff_pools_user_untouched() {
    // The staff pool, with anna's staff user and her password.
    let (client, staff_pool, staff_client) = fresh_pool().await;
    let address = format!("anna-{}@kanzlei.example.com", unique());
    let anna = EmailAddress::parse(&address).unwrap();
    let staff = CognitoIdentity::new(client.clone(), &staff_pool, Some(staff_client.clone()));
    let staff_password = "Anna-ihr-Personalpasswort";
    let staff_sub = staff
        .create(&anna, &password(staff_password, &anna))
        .await
        .unwrap();
    // A specialist invites anna's address as an end user; she registers in the end users' pool.
    let (_, end_user_pool, end_user_client) = fresh_pool().await;
    let end_users = CognitoIdentity::new(client.clone(), &end_user_pool, Some(end_user_client));
    let end_user_sub = end_users
        .create(&anna, &password("ein-anderes-Endkundenpasswort", &anna))
        .await
        .expect("the end users' pool knows nothing of the staff user");
    assert_ne!(end_user_sub, staff_sub);
    let user = admin_get_user(&client, &staff_pool, &address)
        .await
        .unwrap();
    assert_eq!(
        attribute_of(&user, "sub").as_deref(),
        Some(staff_sub.as_str())
    );
    sign_in(
        &client,
        &staff_pool,
        &staff_client,
        &address,
        staff_password,
    )
    .await
    .expect("the staff sign-in and its password are unchanged");
    // Ending the end user's sign-in leaves the staff user too.
    end_users.delete(&end_user_sub).await.unwrap();
    admin_get_user(&client, &staff_pool, &address)
        .await
        .expect("the staff user is still there");
}

// ---------------------------------------------------------------------------------------------
// The SDK configuration a function builds from Lambda's environment

#[tokio::test]
async fn the_sdk_configuration_built_from_lambdas_variables_reaches_dynamodb_and_signs_with_its_credentials()
 {
    use shared::adapters::https::HttpsConnector;
    use shared::adapters::sdk::LambdaEnvironment;
    let endpoint = crate::moto::endpoint();
    let vars = [
        ("AWS_LAMBDA_FUNCTION_NAME", "customers"),
        ("AWS_REGION", REGION),
        ("AWS_ACCESS_KEY_ID", "ASIALAMBDAROLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_SESSION_TOKEN", "session"),
        ("AWS_ENDPOINT_URL", endpoint),
    ];
    let lambda = LambdaEnvironment::from_vars(|name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    })
    .expect("a Lambda environment");
    let sdk = lambda.sdk_config(
        &HttpsConnector::default(),
        aws_sdk_dynamodb::config::retry::RetryConfig::standard(),
    );
    let wire = Wire::default();
    let conf = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .interceptor(wire.clone())
        .build();
    aws_sdk_dynamodb::Client::from_conf(conf)
        .list_tables()
        .send()
        .await
        .expect("moto answers ListTables");
    let (authorization, token) = wire.last_signature().expect("a request was sent");
    assert!(
        authorization.contains("Credential=ASIALAMBDAROLE/")
            && authorization.contains("/eu-central-1/dynamodb/aws4_request"),
        "{authorization}"
    );
    assert_eq!(token, "session");
}
