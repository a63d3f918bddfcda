// Group chats through Microsoft Graph (application permissions Chat.Create,
// ChatMember.ReadWrite.All and TeamsAppInstallation.ReadWriteSelfForChat.All): the chat with
// its people, the app installed in it so the bot may post there, and people added later.
import type { ChatMaker } from '../app/swarmPorts';
import type { GraphClient } from './client';

export class GraphChats implements ChatMaker {
  constructor(
    private readonly graph: GraphClient,
    /** Graph's base URL (a sovereign cloud has its own): what the members' bindings name. */
    private readonly graphUrl: string,
    /** The Teams app's id in the organisation's catalog. */
    private readonly teamsAppId: string,
  ) {}

  async createGroupChat(topic: string, memberIds: string[]): Promise<string> {
    const chat = await this.graph.request<{ id?: string }>('POST', '/v1.0/chats', {
      chatType: 'group',
      topic,
      members: memberIds.map((id) => this.member(id)),
    });
    if (!chat?.id) throw new Error('Microsoft Graph made the chat but did not say its id');
    return chat.id;
  }

  async installApp(chatId: string): Promise<void> {
    await this.graph.request('POST', `/v1.0/chats/${encodeURIComponent(chatId)}/installedApps`, {
      'teamsApp@odata.bind': `${this.graphUrl}/v1.0/appCatalogs/teamsApps/${this.teamsAppId}`,
    });
  }

  async addMember(chatId: string, memberId: string): Promise<void> {
    // What was said before they joined is theirs to read too: the swarm's history is the context.
    await this.graph.request('POST', `/v1.0/chats/${encodeURIComponent(chatId)}/members`, {
      ...this.member(memberId),
      visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
    });
  }

  private member(id: string) {
    return {
      '@odata.type': '#microsoft.graph.aadUserConversationMember',
      roles: ['owner'],
      'user@odata.bind': `${this.graphUrl}/v1.0/users('${encodeURIComponent(id)}')`,
    };
  }
}
