// Escalation Desk in Azure, as `atk provision` deploys it (m365agents.yml): a user-assigned managed
// identity the bot signs in as, an App Service plan and Linux web app on Node 20 (health check on
// /healthz), the Azure Bot with its Teams and Outlook channels, and Azure Database for PostgreSQL
// (flexible server) for several replicas. Secrets come in as secure parameters from
// env/.env.dev.user and are never written here or in the outputs.

@maxLength(20)
@minLength(4)
@description('Names every resource: letters and digits')
param resourceBaseName string

@description('App Service plan SKU, e.g. B1, S1, P1v3')
param webAppSku string = 'B1'

@maxLength(42)
param botDisplayName string

param location string = resourceGroup().location

@description('ADMINS: Entra object ids or UPNs of the people who may bind tiers and see everything, comma-separated')
param admins string = ''

@description('ALLOWED_TENANTS: the tenants whose people may use it; empty: the identity\'s own tenant')
param allowedTenants string = ''

@description('SSO_CLIENT_ID and SSO_APP_ID_URI: the app registration the board signs people in to (README, Deploy); empty: none')
param ssoClientId string = ''
param ssoAppIdUri string = ''

@description('OUTLOOK_ORIGINATOR_ID: the Actionable Email provider id; empty: emailed cards are to read, not act on')
param outlookOriginatorId string = ''

@description('MAIL_SENDER: the mailbox emails are sent from through Microsoft Graph; empty: no email')
param mailSender string = ''

@secure()
@minLength(32)
@description('LINK_SECRET: 32+ random characters that sign "Brief as text" links')
param linkSecret string

@secure()
@minLength(16)
@description('API_KEY: the key integrations use for /api/*')
param apiKey string

param postgresAdminLogin string = 'escalationdesk'

@secure()
@minLength(12)
param postgresAdminPassword string

param postgresSku string = 'Standard_B1ms'
param postgresTier string = 'Burstable'

var webAppName = resourceBaseName
var publicUrl = 'https://${webAppName}.azurewebsites.net'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: resourceBaseName
  location: location
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: '${resourceBaseName}-db'
  location: location
  sku: {
    name: postgresSku
    tier: postgresTier
  }
  properties: {
    version: '15'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: {
      storageSizeGB: 32
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2022-12-01' = {
  parent: postgres
  name: 'escalations'
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// The web app reaches the database over Azure's network (0.0.0.0 stands for Azure services).
resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2022-12-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource plan 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/src/main.js'
      alwaysOn: true
      healthCheckPath: '/healthz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      appSettings: [
        {
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1'
        }
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
        {
          name: 'HOST'
          value: '0.0.0.0'
        }
        {
          name: 'PORT'
          value: '8080'
        }
        {
          name: 'WEBSITES_PORT'
          value: '8080'
        }
        // The Toolkit's names for the bot's identity (src/config.ts reads them as BOT_ID, ...).
        {
          name: 'CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'TENANT_ID'
          value: identity.properties.tenantId
        }
        {
          name: 'BOT_TYPE'
          value: 'UserAssignedMSI'
        }
        {
          name: 'ALLOWED_TENANTS'
          value: empty(allowedTenants) ? identity.properties.tenantId : allowedTenants
        }
        {
          name: 'PUBLIC_URL'
          value: publicUrl
        }
        {
          name: 'ADMINS'
          value: admins
        }
        {
          name: 'SSO_CLIENT_ID'
          value: ssoClientId
        }
        {
          name: 'SSO_APP_ID_URI'
          value: ssoAppIdUri
        }
        {
          name: 'OUTLOOK_ORIGINATOR_ID'
          value: outlookOriginatorId
        }
        {
          name: 'MAIL_SENDER'
          value: mailSender
        }
        {
          name: 'LOG_LEVEL'
          value: 'info'
        }
        {
          name: 'LINK_SECRET'
          value: linkSecret
        }
        {
          name: 'API_KEY'
          value: apiKey
        }
        {
          name: 'DATABASE_URL'
          value: 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${database.name}?sslmode=require'
        }
      ]
    }
  }
}

// The Azure Bot: Teams posts activities to the web app; it signs in as the managed identity.
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: '${publicUrl}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// Actionable cards in Outlook refresh and act through the bot's Outlook channel.
resource outlookChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'OutlookChannel'
  location: 'global'
  properties: {
    channelName: 'OutlookChannel'
  }
}

// Microsoft 365 Copilot and Outlook's compose window run the Find an escalation search through
// the Microsoft 365 channel (activities with channelId m365extensions).
resource m365Channel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'M365Extensions'
  location: 'global'
  properties: {
    channelName: 'M365Extensions'
  }
}

// Written to env/.env.dev by arm/deploy (names as they are), for the later steps and the manifest.
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = publicUrl
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output PUBLIC_URL string = publicUrl
