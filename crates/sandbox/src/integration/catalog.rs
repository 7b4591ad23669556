//! The seeded design-time catalogue of the sandbox OIC instance: connections,
//! integrations and monitoring instances, shaped like the responses of the
//! Oracle Integration REST API (`/ic/api/integration/v1/...`) and ordered the
//! way Oracle orders them, newest update first.

use serde_json::{json, Value};

/// The collections the design-time origin serves. Activation, import,
/// resubmission and abort change them for as long as the sandbox runs.
pub struct Catalog {
    pub connections: Vec<Value>,
    pub integrations: Vec<Value>,
    pub instances: Vec<Value>,
    /// Errored instances, as `/monitoring/errors` lists them.
    pub errors: Vec<Value>,
    origin: String,
}

/// How many integrations the seeded catalogue holds: the named ones, then
/// generated ones up to this count.
pub const SEEDED_INTEGRATIONS: usize = 300;

impl Catalog {
    /// `origin` is the design-time origin, used in each item's `links`.
    pub fn seeded(origin: &str) -> Catalog {
        let mut integrations = integrations(origin);
        let named = integrations.len();
        integrations
            .extend((named..SEEDED_INTEGRATIONS).map(|index| generated_integration(origin, index)));
        Catalog {
            connections: connections(origin),
            integrations,
            instances: instances(),
            errors: errors(),
            origin: origin.to_owned(),
        }
    }

    /// Grows (or shrinks) the integrations to `count`, generated ones after
    /// the named ones: for trying a large instance.
    pub fn resize_integrations(&mut self, count: usize) {
        let named = INTEGRATIONS.len();
        let count = count.max(named);
        self.integrations.truncate(count);
        let have = self.integrations.len();
        let origin = self.origin.clone();
        self.integrations
            .extend((have..count).map(|index| generated_integration(&origin, index)));
    }

    /// An integration as an imported archive describes it: `CONFIGURED`,
    /// with this origin's links.
    pub fn imported_integration(&self, mut integration: Value) -> Value {
        let id = format!(
            "{}|{}",
            integration["code"].as_str().unwrap_or_default(),
            integration["version"].as_str().unwrap_or_default()
        );
        integration["id"] = id.clone().into();
        integration["status"] = "CONFIGURED".into();
        integration["links"] = links(&self.origin, "integrations", &id);
        integration
    }
}

/// (id, name, adapter name, adapter display name, status, role, security policy, usage)
type ConnectionSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u32,
);

const CONNECTIONS: &[ConnectionSeed] = &[
    (
        "SANDBOX_REST_CONN",
        "Sandbox REST Conn",
        "rest",
        "REST",
        "CONFIGURED",
        "SOURCE_AND_TARGET",
        "OAUTH_CLIENT_CREDENTIALS",
        3,
    ),
    (
        "SANDBOX_REST_TRIGGER",
        "Sandbox REST Trigger",
        "rest",
        "REST",
        "CONFIGURED",
        "SOURCE",
        "BASIC_AUTH",
        2,
    ),
    (
        "ERP_CLOUD_FINANCIALS",
        "ERP Cloud Financials",
        "erp",
        "Oracle ERP Cloud",
        "CONFIGURED",
        "SOURCE_AND_TARGET",
        "USERNAME_PASSWORD_TOKEN",
        4,
    ),
    (
        "HCM_CLOUD_WORKERS",
        "HCM Cloud Workers",
        "hcm",
        "Oracle HCM Cloud",
        "CONFIGURED",
        "SOURCE_AND_TARGET",
        "USERNAME_PASSWORD_TOKEN",
        2,
    ),
    (
        "SALESFORCE_SALES",
        "Salesforce Sales",
        "salesforce",
        "Salesforce",
        "CONFIGURED",
        "SOURCE_AND_TARGET",
        "OAUTH_AUTHORIZATION_CODE_CREDENTIALS",
        1,
    ),
    (
        "SERVICENOW_ITSM",
        "ServiceNow ITSM",
        "servicenow",
        "ServiceNow",
        "INPROGRESS",
        "TARGET",
        "BASIC_AUTH",
        0,
    ),
    (
        "ATP_ORDERS_DB",
        "ATP Orders DB",
        "atpdatabase",
        "Oracle Autonomous Transaction Processing",
        "CONFIGURED",
        "TARGET",
        "ORACLE_WALLET",
        2,
    ),
    (
        "ADW_REPORTING",
        "ADW Reporting",
        "adwdatabase",
        "Oracle Autonomous Data Warehouse",
        "CONFIGURED",
        "TARGET",
        "ORACLE_WALLET",
        1,
    ),
    (
        "FTP_PARTNER_FILES",
        "FTP Partner Files",
        "ftp",
        "FTP",
        "CONFIGURED",
        "TARGET",
        "FTP_PUBLIC_KEY_AUTHENTICATION",
        1,
    ),
    (
        "OCI_OBJECT_STORAGE",
        "OCI Object Storage",
        "ocistorage",
        "OCI Object Storage",
        "CONFIGURED",
        "TARGET",
        "OCI_SIGNATURE_VERSION1",
        2,
    ),
    (
        "OCI_STREAMING_EVENTS",
        "OCI Streaming Events",
        "ocistreaming",
        "OCI Streaming Service",
        "INPROGRESS",
        "SOURCE_AND_TARGET",
        "SASLPLAIN_OVER_SSL",
        0,
    ),
    (
        "SOAP_LEGACY_BILLING",
        "SOAP Legacy Billing",
        "soap",
        "SOAP",
        "CONFIGURED",
        "TARGET",
        "USERNAME_PASSWORD_TOKEN",
        1,
    ),
    (
        "NETSUITE_ORDERS",
        "NetSuite Orders",
        "netsuite",
        "NetSuite",
        "CONFIGURED",
        "SOURCE_AND_TARGET",
        "NETSUITE_TOKEN_BASED",
        1,
    ),
    (
        "SHOPIFY_STORE",
        "Shopify Store",
        "shopify",
        "Shopify",
        "INPROGRESS",
        "SOURCE_AND_TARGET",
        "OAUTH_AUTHORIZATION_CODE_CREDENTIALS",
        0,
    ),
    (
        "SAP_S4_MATERIALS",
        "SAP S4 Materials",
        "sap",
        "SAP",
        "INPROGRESS",
        "TARGET",
        "BASIC_AUTH",
        0,
    ),
    (
        "KAFKA_ORDER_EVENTS",
        "Kafka Order Events",
        "kafka",
        "Apache Kafka",
        "CONFIGURED",
        "SOURCE_AND_TARGET",
        "SASLPLAIN_OVER_SSL",
        1,
    ),
    (
        "MYSQL_INVENTORY",
        "MySQL Inventory",
        "mysql",
        "MySQL",
        "CONFIGURED",
        "TARGET",
        "JDBC_BASIC_AUTH",
        1,
    ),
    (
        "ORACLE_DB_ONPREM",
        "Oracle DB On Premises",
        "dbaasdatabase",
        "Oracle Database",
        "CONFIGURED",
        "TARGET",
        "JDBC_BASIC_AUTH",
        2,
    ),
    (
        "SLACK_NOTIFICATIONS",
        "Slack Notifications",
        "slack",
        "Slack",
        "CONFIGURED",
        "TARGET",
        "OAUTH_AUTHORIZATION_CODE_CREDENTIALS",
        1,
    ),
    (
        "MICROSOFT_EMAIL",
        "Microsoft Email",
        "microsoftemail",
        "Microsoft Email",
        "INPROGRESS",
        "TARGET",
        "OAUTH_AUTHORIZATION_CODE_CREDENTIALS",
        0,
    ),
    (
        "REST_WEATHER_API",
        "REST Weather API",
        "rest",
        "REST",
        "CONFIGURED",
        "TARGET",
        "NONE",
        1,
    ),
    (
        "REST_PAYMENTS_GATEWAY",
        "REST Payments Gateway",
        "rest",
        "REST",
        "CONFIGURED",
        "TARGET",
        "OAUTH_CLIENT_CREDENTIALS",
        1,
    ),
    (
        "ERP_CLOUD_SHIPMENTS",
        "ERP Cloud Shipments",
        "erp",
        "Oracle ERP Cloud",
        "CONFIGURED",
        "SOURCE",
        "USERNAME_PASSWORD_TOKEN",
        1,
    ),
    (
        "AQ_ORDERS_QUEUE",
        "AQ Orders Queue",
        "aq",
        "Oracle Advanced Queuing (AQ)",
        "CONFIGURED",
        "SOURCE_AND_TARGET",
        "JDBC_BASIC_AUTH",
        0,
    ),
    (
        "SANDBOX_REST_DRAFT",
        "Sandbox REST Draft",
        "rest",
        "REST",
        "INPROGRESS",
        "SOURCE_AND_TARGET",
        "NONE",
        0,
    ),
];

/// An Oracle-style timestamp `index` steps back from the newest.
fn timestamp(index: usize) -> String {
    let index = index % 28;
    format!(
        "2025-05-{:02}T{:02}:{:02}:{:02}.000+0000",
        28 - index,
        8 + index % 10,
        (index * 7) % 60,
        (index * 13) % 60
    )
}

fn links(origin: &str, collection: &str, id: &str) -> Value {
    let href = format!(
        "{origin}/ic/api/integration/v1/{collection}/{}",
        id.replace('|', "%7C")
    );
    json!([{"href": href, "rel": "self"}, {"href": href, "rel": "canonical"}])
}

fn connections(origin: &str) -> Vec<Value> {
    CONNECTIONS
        .iter()
        .enumerate()
        .map(|(index, &(id, name, adapter, display_name, status, role, policy, usage))| {
            let configured = status == "CONFIGURED";
            json!({
                "id": id,
                "name": name,
                "description": format!("{name} connection of the OAuth Console sandbox"),
                "adapterType": {"name": adapter, "displayName": display_name, "type": "PREINSTALLED"},
                "status": status,
                "role": role,
                "securityPolicy": policy,
                "percentageComplete": if configured { 100 } else { 40 + (index as u32 * 5) % 50 },
                "usage": usage,
                "usageActive": usage.min(1),
                "lockedFlag": false,
                "agentRequired": matches!(adapter, "dbaasdatabase" | "mysql" | "sap"),
                "created": timestamp(index + 2),
                "createdBy": "sandbox.invoker",
                "lastUpdated": timestamp(index),
                "lastUpdatedBy": "sandbox.invoker",
                "links": links(origin, "connections", id),
            })
        })
        .collect()
}

/// (code, version, name, status, style, connections used)
type IntegrationSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const INTEGRATIONS: &[IntegrationSeed] = &[
    (
        "HELLO_WORLD",
        "01.00.0000",
        "Hello World",
        "ACTIVATED",
        "freeform_appdriven",
        &["SANDBOX_REST_TRIGGER"],
    ),
    (
        "SYNC_ORDERS_TO_ERP",
        "01.02.0000",
        "Sync Orders To ERP",
        "ACTIVATED",
        "freeform_scheduled",
        &["NETSUITE_ORDERS", "ERP_CLOUD_FINANCIALS"],
    ),
    (
        "NEW_HIRE_ONBOARDING",
        "02.00.0000",
        "New Hire Onboarding",
        "ACTIVATED",
        "freeform_appdriven",
        &["HCM_CLOUD_WORKERS", "SERVICENOW_ITSM"],
    ),
    (
        "SALESFORCE_ACCOUNT_SYNC",
        "01.00.0003",
        "Salesforce Account Sync",
        "CONFIGURED",
        "freeform_appdriven",
        &["SALESFORCE_SALES", "ERP_CLOUD_FINANCIALS"],
    ),
    (
        "DAILY_INVENTORY_EXTRACT",
        "01.00.0000",
        "Daily Inventory Extract",
        "INPROGRESS",
        "freeform_scheduled",
        &["MYSQL_INVENTORY", "OCI_OBJECT_STORAGE"],
    ),
    (
        "PAYMENT_STATUS_CALLBACK",
        "01.01.0000",
        "Payment Status Callback",
        "FAILEDACTIVATION",
        "freeform_appdriven",
        &["REST_PAYMENTS_GATEWAY", "ATP_ORDERS_DB"],
    ),
    (
        "SHIPMENT_EVENTS_TO_KAFKA",
        "01.00.0000",
        "Shipment Events To Kafka",
        "CONFIGURED",
        "freeform_appdriven",
        &["ERP_CLOUD_SHIPMENTS", "KAFKA_ORDER_EVENTS"],
    ),
];

fn integrations(origin: &str) -> Vec<Value> {
    INTEGRATIONS
        .iter()
        .enumerate()
        .map(|(index, &(code, version, name, status, style, uses))| {
            integration(origin, index, (code, version, name, status, style, uses))
        })
        .collect()
}

const VERBS: &[&str] = &[
    "Sync",
    "Publish",
    "Load",
    "Archive",
    "Route",
    "Notify",
    "Enrich",
    "Reconcile",
    "Import",
    "Export",
];
const THINGS: &[&str] = &[
    "Invoices",
    "Customers",
    "Suppliers",
    "Orders",
    "Shipments",
    "Payments",
    "Employees",
    "Assets",
    "Contracts",
    "Tickets",
    "Products",
    "Leads",
    "Receipts",
    "Timecards",
    "Budgets",
];
const SYSTEMS: &[&str] = &[
    "ERP",
    "HCM",
    "CRM",
    "Billing",
    "Warehouse",
    "Ledger",
    "Portal",
];
const STATUSES: &[&str] = &[
    "ACTIVATED",
    "CONFIGURED",
    "ACTIVATED",
    "INPROGRESS",
    "CONFIGURED",
];

/// The `index`th generated integration: "Sync Invoices To ERP 12" and the like.
fn generated_integration(origin: &str, index: usize) -> Value {
    let verb = VERBS[index % VERBS.len()];
    let thing = THINGS[(index / VERBS.len()) % THINGS.len()];
    let system = SYSTEMS[index % SYSTEMS.len()];
    let name = format!("{verb} {thing} To {system} {index:03}");
    let code = name.to_uppercase().replace(' ', "_");
    let version = format!("01.{:02}.0000", index % 4);
    let status = STATUSES[index % STATUSES.len()];
    let style = if index % 3 == 0 {
        "freeform_scheduled"
    } else {
        "freeform_appdriven"
    };
    let uses = [CONNECTIONS[index % CONNECTIONS.len()].0];
    integration(
        origin,
        index,
        (&code, &version, &name, status, style, &uses),
    )
}

fn integration(
    origin: &str,
    index: usize,
    (code, version, name, status, style, uses): (&str, &str, &str, &str, &str, &[&str]),
) -> Value {
    let id = format!("{code}|{version}");
    let scheduled = style.ends_with("scheduled");
    json!({
        "id": id,
        "code": code,
        "version": version,
        "name": name,
        "description": format!("{name} integration of the OAuth Console sandbox"),
        "status": status,
        "type": "DEVELOPED",
        "style": style,
        "pattern": "Orchestration",
        "patternDescription": if scheduled { "Scheduled Orchestration" } else { "App Driven Orchestration" },
        "scheduleApplicableFlag": scheduled,
        "lockedFlag": false,
        "dependencies": {
            "connections": uses.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
        },
        "created": timestamp(index + 3),
        "createdBy": "sandbox.invoker",
        "lastUpdated": timestamp(index),
        "lastUpdatedBy": "sandbox.invoker",
        "links": links(origin, "integrations", &id),
    })
}

/// (integration code, version, name, status, tracking value)
const INSTANCES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "HELLO_WORLD",
        "01.00.0000",
        "Hello World",
        "COMPLETED",
        "sandbox-greeting-0042",
    ),
    (
        "SYNC_ORDERS_TO_ERP",
        "01.02.0000",
        "Sync Orders To ERP",
        "COMPLETED",
        "SO-10017",
    ),
    (
        "NEW_HIRE_ONBOARDING",
        "02.00.0000",
        "New Hire Onboarding",
        "FAILED",
        "EMP-2291",
    ),
    (
        "HELLO_WORLD",
        "01.00.0000",
        "Hello World",
        "IN_PROGRESS",
        "sandbox-greeting-0043",
    ),
    (
        "SYNC_ORDERS_TO_ERP",
        "01.02.0000",
        "Sync Orders To ERP",
        "FAILED",
        "SO-10018",
    ),
    (
        "NEW_HIRE_ONBOARDING",
        "02.00.0000",
        "New Hire Onboarding",
        "COMPLETED",
        "EMP-2290",
    ),
    (
        "HELLO_WORLD",
        "01.00.0000",
        "Hello World",
        "COMPLETED",
        "sandbox-greeting-0041",
    ),
    (
        "SYNC_ORDERS_TO_ERP",
        "01.02.0000",
        "Sync Orders To ERP",
        "ABORTED",
        "SO-10016",
    ),
];

fn instances() -> Vec<Value> {
    INSTANCES
        .iter()
        .enumerate()
        .map(|(index, &(code, version, name, status, tracking))| {
            let failed = status == "FAILED";
            json!({
                "id": format!("sandbox-instance-{:04}", 100 - index),
                "integrationId": code,
                "integrationName": name,
                "integrationVersion": version,
                "status": status,
                "creationDate": timestamp(index),
                "lastTrackedTime": timestamp(index),
                "trackings": [{"name": "primaryId", "primary": true, "value": tracking}],
                "nonScheduleAsync": false,
                "isDataAccurate": true,
                "faultId": if failed { Value::from(format!("sandbox-fault-{:04}", 100 - index)) } else { Value::Null },
            })
        })
        .collect()
}

/// (integration code, version, name, error message, recoverable, tracking value)
const ERRORS: &[(&str, &str, &str, &str, bool, &str)] = &[
    (
        "NEW_HIRE_ONBOARDING",
        "02.00.0000",
        "New Hire Onboarding",
        "Invalid worker payload: the field 'LegalEmployerName' is required.",
        true,
        "EMP-2291",
    ),
    (
        "SYNC_ORDERS_TO_ERP",
        "01.02.0000",
        "Sync Orders To ERP",
        "CASDK-0005 : A connector specific exception was raised by the application. \
         The ERP Cloud service answered 503 Service Unavailable.",
        true,
        "SO-10018",
    ),
    (
        "SALESFORCE_ACCOUNT_SYNC",
        "01.00.0003",
        "Salesforce Account Sync",
        "INVALID_SESSION_ID: Session expired or invalid",
        true,
        "ACC-0042",
    ),
    (
        "SHIPMENT_EVENTS_TO_KAFKA",
        "01.00.0000",
        "Shipment Events To Kafka",
        "org.apache.kafka.common.errors.TimeoutException: Topic shipments not present in metadata after 60000 ms.",
        true,
        "SHP-7781",
    ),
    (
        "HELLO_WORLD",
        "01.00.0000",
        "Hello World",
        "Synchronous flow faulted: the REST trigger's response mapping failed. \
         Synchronous instances cannot be resubmitted.",
        false,
        "sandbox-greeting-0044",
    ),
    (
        "PAYMENT_STATUS_CALLBACK",
        "01.01.0000",
        "Payment Status Callback",
        "ORA-00001: unique constraint (ORDERS.PAYMENT_PK) violated",
        true,
        "PAY-3310",
    ),
    (
        "DAILY_INVENTORY_EXTRACT",
        "01.00.0000",
        "Daily Inventory Extract",
        "java.net.SocketTimeoutException: Read timed out (MySQL Inventory)",
        true,
        "INV-2025-05-27",
    ),
    (
        "SYNC_ORDERS_TO_ERP",
        "01.02.0000",
        "Sync Orders To ERP",
        "CASDK-0033 : Received a FAULT from the ERP Cloud service: Customer account 1002 is inactive.",
        true,
        "SO-10021",
    ),
];

fn errors() -> Vec<Value> {
    ERRORS
        .iter()
        .enumerate()
        .map(|(index, &(code, version, name, message, recoverable, tracking))| {
            let id = format!("sandbox-error-{:04}", 200 - index);
            json!({
                "id": id,
                "integration": {"code": code, "version": version, "name": name},
                "integrationCode": code,
                "errorMessage": message,
                "errorDetails": format!("{message}\n  at step 'Invoke{}' of {name} {version}", index + 1),
                "status": "FAILED",
                "recoverable": recoverable,
                "retryCount": 0,
                "primaryName": "primaryId",
                "primaryValue": tracking,
                "faultId": format!("sandbox-fault-{:04}", 200 - index),
                "runId": format!("sandbox-run-{:04}", 200 - index),
                "creationDate": timestamp(index),
                "lastTrackedTime": timestamp(index),
            })
        })
        .collect()
}
