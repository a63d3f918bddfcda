// The identity Escalation Desk calls Microsoft Graph as, through @azure/identity, which asks for,
// caches and renews the tokens: the bot's user-assigned managed identity on Azure (App Service
// hands its tokens out locally, no secret involved), else an app registration's secret or
// certificate exchanged with Microsoft Entra ID at ENTRA_AUTHORITY_HOST.
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { GraphSettings } from '../config';

/** The public cloud's authority, whose instance discovery the library does itself. */
const publicCloud = 'https://login.microsoftonline.com';

/**
 * A failed token is retried by the outbox (with its backoff, within its lease), so the library
 * tries again only once itself.
 */
const retryOptions = { maxRetries: 1 };

export function graphCredential(graph: GraphSettings): TokenCredential {
  const { identity } = graph;
  if (identity.kind === 'managedIdentity') {
    return new ManagedIdentityCredential({ clientId: identity.clientId, retryOptions });
  }
  const options = {
    authorityHost: graph.authorityHost,
    // Instance discovery asks login.microsoftonline.com whether an authority is a Microsoft cloud;
    // another host set in ENTRA_AUTHORITY_HOST (a sovereign cloud, Azure Stack, a test's fake) is
    // taken as the operator configured it.
    disableInstanceDiscovery: graph.authorityHost !== publicCloud,
    retryOptions,
  };
  return identity.kind === 'certificate'
    ? new ClientCertificateCredential(
        identity.tenantId,
        identity.clientId,
        { certificatePath: identity.certificatePath },
        options,
      )
    : new ClientSecretCredential(identity.tenantId, identity.clientId, identity.clientSecret, options);
}

/** Whom to check when a token is refused: the variables that name this identity. */
export function identityHint(graph: GraphSettings): string {
  const { identity } = graph;
  if (identity.kind === 'managedIdentity') {
    return `check that the user-assigned managed identity ${identity.clientId} is assigned to this app and has the Graph permission`;
  }
  const credential = identity.kind === 'certificate' ? 'GRAPH_CLIENT_CERTIFICATE_PATH' : 'GRAPH_CLIENT_SECRET';
  return `check GRAPH_CLIENT_ID (${identity.clientId}), ${credential} and GRAPH_TENANT_ID (${identity.tenantId}), or the bot's own, and the app's Graph permission`;
}
