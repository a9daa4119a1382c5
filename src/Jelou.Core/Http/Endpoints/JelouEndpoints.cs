using Jelou.Messages;

namespace Jelou.Http
{
    /// <summary>
    /// The calls of the API, each an endpoint definition sent through the client's transport. One method per endpoint;
    /// see src/Jelou.Core/README.md, "How to add an endpoint".
    /// </summary>
    public static class JelouEndpoints
    {
        /// <summary>Sends one bot message (POST /v1/bots/{botId}/messages).</summary>
        public static Task<SendOutcome> SendBotMessageAsync(this JelouClient client, string botId, BotMessage message, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            ThrowIfNull(client);
            if (string.IsNullOrWhiteSpace(botId))
            {
                throw new ArgumentException("The bot id is empty.", nameof(botId));
            }

            return client.SendAsync(BotMessageEndpoint.Instance, new ApiRequest(botId, new JsonBody(BotMessageSerializer.Serialize(message))), options, cancellationToken);
        }

        /// <summary>Sends messages into a room (POST /v1/rooms/{roomId}/message).</summary>
        public static Task<SendOutcome> SendRoomMessageAsync(this JelouClient client, string roomId, RoomMessageRequest request, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            ThrowIfNull(client);
            if (string.IsNullOrWhiteSpace(roomId))
            {
                throw new ArgumentException("The room id is empty.", nameof(roomId));
            }

            return client.SendAsync(RoomMessageEndpoint.Instance, new ApiRequest(roomId, new JsonBody(BotMessageSerializer.Serialize(request))), options, cancellationToken);
        }

        /// <summary>
        /// Sends one approved template to its one destination (POST /v2/whatsapp/{botId}/hsm). The outcome's message id
        /// is the id the answer gives this destination; a 2xx that does not list it is not a success.
        /// </summary>
        public static async Task<SendOutcome> SendTemplateAsync(this JelouClient client, string botId, TemplateMessage message, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            ThrowIfNull(client);
            if (string.IsNullOrWhiteSpace(botId))
            {
                throw new ArgumentException("The bot id is empty.", nameof(botId));
            }

            if (message is null)
            {
                throw new ArgumentNullException(nameof(message));
            }

            var endpoint = new HsmSendEndpoint(message.Destinations, message.ElementName);
            var sent = await client.SendAsync(endpoint, new ApiRequest(botId, new JsonBody(BotMessageSerializer.Serialize(message))), options, cancellationToken).ConfigureAwait(false);
            var outcome = sent.Destinations[0];
            return new SendOutcome(outcome.MessageId, sent.HttpStatus, sent.Attempts, sent.Duration, outcome.Error, sent.RetryReasons);
        }

        /// <summary>
        /// Checks that the credential works for a bot without sending anything: GET /v1/bots/{botId}/templates, a read
        /// that changes nothing, so it is retried after any transient failure.
        /// </summary>
        public static Task<ReadResult> CheckAccessAsync(this JelouClient client, string botId, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            ThrowIfNull(client);
            if (string.IsNullOrWhiteSpace(botId))
            {
                throw new ArgumentException("The bot id is empty.", nameof(botId));
            }

            return client.SendAsync(CredentialCheckEndpoint.Instance, new ApiRequest(botId), options, cancellationToken);
        }

        /// <summary>
        /// Lists a bot's templates (GET /v1/bots/{botId}/templates), every page: <paramref name="query"/> is the server's
        /// search on elementName, <paramref name="status"/> and <paramref name="category"/> its filters (null for none).
        /// A read, retried after any transient failure. A page that fails throws its <see cref="JelouApiException"/>.
        /// </summary>
        public static async Task<IReadOnlyList<Templates.JelouTemplate>> GetTemplatesAsync(this JelouClient client, string botId, string? query = null, string? status = null, string? category = null, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            ThrowIfNull(client);
            if (string.IsNullOrWhiteSpace(botId))
            {
                throw new ArgumentException("The bot id is empty.", nameof(botId));
            }

            var pager = new Pager<Templates.JelouTemplate>(client, new Templates.TemplateListEndpoint(botId, query, status, category), new PageWindow(0, null), options);
            var templates = new List<Templates.JelouTemplate>();
            while (await pager.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                templates.Add(pager.Current);
            }

            return templates;
        }

        /// <summary>
        /// Starts a bulk campaign (POST /v1/hsm/file): the CSV uploaded as multipart/form-data, or its public URL sent as
        /// JSON. The file is not checked here (<see cref="Campaigns.CampaignCsv.Check"/> does that first). At most once:
        /// retried only when the request certainly did not reach the server, since a second upload is a second campaign.
        /// </summary>
        public static Task<Campaigns.JelouCampaignResult> StartCampaignAsync(this JelouClient client, Campaigns.CampaignRequest request, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            ThrowIfNull(client);
            if (request is null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            if (request.IsUpload == (request.FileUrl is not null))
            {
                throw new ArgumentException("Give the campaign either a file to upload or a file URL, not both or neither.", nameof(request));
            }

            RequestBody body = request.IsUpload ? new MultipartBody(request.ToForm) : new JsonBody(request.ToJson());
            return client.SendAsync(new Campaigns.CampaignUploadEndpoint(request.TemplateName), new ApiRequest(null, null, body), options, cancellationToken);
        }

        /// <summary>
        /// Lists the delivery status of a bot's sent templates (GET /v1/external/bots/{botId}/notifications), every
        /// page, narrowed by <paramref name="filter"/> (null for none). A read, retried after any transient failure. A
        /// page that fails throws its <see cref="JelouApiException"/>.
        /// </summary>
        public static async Task<IReadOnlyList<Notifications.JelouMessageStatus>> GetMessageStatusAsync(this JelouClient client, string botId, Notifications.NotificationFilter? filter = null, SendRequestOptions? options = null, CancellationToken cancellationToken = default)
        {
            ThrowIfNull(client);
            if (string.IsNullOrWhiteSpace(botId))
            {
                throw new ArgumentException("The bot id is empty.", nameof(botId));
            }

            var pager = new Pager<Notifications.JelouMessageStatus>(client, new Notifications.NotificationListEndpoint(botId, filter), new PageWindow(0, null), options);
            var statuses = new List<Notifications.JelouMessageStatus>();
            while (await pager.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                statuses.Add(pager.Current);
            }

            return statuses;
        }

        private static void ThrowIfNull(JelouClient client)
        {
            if (client is null)
            {
                throw new ArgumentNullException(nameof(client));
            }
        }
    }
}
