// The messages of one conversation: the SDK's message list (src/client/message-list.ts), which
// the terminal client's model uses too: stored messages ordered by server id, each once, then
// the user's own messages still waiting for their acknowledgement, in the order they were sent.
export {
  acknowledge,
  mergeMessages,
  newestId,
  oldestId,
  setDelivery,
  shownOf as itemOf,
  type Delivery,
  type Merged,
  type ShownMessage as MessageItem,
} from '../sdk';
