import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'conversation-title-cut',
  summary: 'A new conversation is stored with its title cut to 12 characters (sized for the sidebar): the 201 looks right, every later read shows the cut title.',
  caughtBy: 'contract: `contract:POST /conversations:read-your-writes` (the title sent reads back cut short)',
  apply(seams) {
    seams.conversationTitle = (title) => title.slice(0, 12);
  },
};
