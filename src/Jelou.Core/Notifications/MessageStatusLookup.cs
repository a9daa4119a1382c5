using Jelou.Http;

namespace Jelou.Notifications
{
    /// <summary>
    /// The delivery status of one message id: the notifications listing asked with <c>messageId</c>, and only the items
    /// of that id kept, so a server that ignored the filter still gives the right answer. Reading stops at the end of
    /// the page that held the id, so a lookup is one request when the server filters.
    /// </summary>
    internal static class MessageStatusLookup
    {
        /// <summary>The items of <paramref name="messageId"/>; empty when the server has none. A failed page throws.</summary>
        public static async Task<IReadOnlyList<JelouMessageStatus>> FindAsync(JelouClient client, string botId, string messageId, NotificationFilter? narrower, SendRequestOptions? options, CancellationToken cancellationToken)
        {
            var filter = new NotificationFilter
            {
                MessageId = messageId,
                CampaignId = narrower?.CampaignId,
                TemplateName = narrower?.TemplateName,
                From = narrower?.From,
                To = narrower?.To,
            };
            var pager = new Pager<JelouMessageStatus>(client, new NotificationListEndpoint(botId, filter), new PageWindow(0, null), options);
            var found = new List<JelouMessageStatus>(1);
            var foundOnPage = 0;
            while (await pager.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                // A new page after the one that held the id: the server did not filter, and the id is found.
                if (found.Count > 0 && pager.Requests > foundOnPage)
                {
                    break;
                }

                if (string.Equals(pager.Current.MessageId, messageId, StringComparison.Ordinal))
                {
                    found.Add(pager.Current);
                    foundOnPage = pager.Requests;
                }
            }

            return found;
        }
    }
}
