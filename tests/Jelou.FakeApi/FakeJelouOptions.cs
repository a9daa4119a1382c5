namespace Jelou.FakeApi;

/// <summary>
/// Start-up settings of a <see cref="FakeJelouServer"/>. The server keeps a reference to this instance and reads it per
/// request, but the sets are read concurrently without locking, so do not mutate them while requests are running.
/// </summary>
public sealed class FakeJelouOptions
{
    /// <summary>Client id expected in the Basic <c>Authorization</c> header.</summary>
    public string ClientId { get; set; } = "test-client";

    /// <summary>Client secret expected in the Basic <c>Authorization</c> header. May contain colons and non-ASCII text.</summary>
    public string ClientSecret { get; set; } = "test-secret";

    /// <summary>Bot ids that exist. <see langword="null"/> means every bot id exists; otherwise other ids get 404 (E1019 BOT_NOT_FOUND).</summary>
    public ISet<string>? KnownBots { get; set; }

    /// <summary>Bot ids the client may not use: they get 403 (E0403 FORBIDDEN_BOT).</summary>
    public ISet<string> ForbiddenBots { get; set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// How many campaigns GET /v1/campaigns lists for any bot (paged by <c>page</c> and <c>limit</c>, at most 50 a page);
    /// 0 lists none.
    /// </summary>
    public int CampaignCount { get; set; }

    /// <summary>
    /// How long an uploaded campaign (POST /v1/hsm/file) stays PENDING, and then IN_PROGRESS, before it is COMPLETED, in
    /// milliseconds (default 2000; 0 completes it at once). <c>--campaign-step-ms N</c>; changeable while running.
    /// </summary>
    public int CampaignStepMs { get; set; } = 2000;

    /// <summary>Generated approved templates (plantilla_0001, ...) listed after the built-in catalogue, to make the listing page.</summary>
    public int ExtraTemplateCount { get; set; }

    /// <summary>
    /// The delivery statuses GET /v1/external/bots/{botId}/notifications cycles through: message <c>msg_N</c> gets entry
    /// (N - 1) modulo the count. <see langword="null"/> or empty uses the built-in mix (FakeNotifications.DefaultStatuses).
    /// </summary>
    public IReadOnlyList<string>? NotificationStatuses { get; set; }

    /// <summary>Port to bind on 127.0.0.1; 0 picks a free ephemeral port.</summary>
    public int Port { get; set; }

    /// <summary>Seed for the random source behind probabilistic faults and latency jitter; <see langword="null"/> seeds randomly.</summary>
    public int? Seed { get; set; }
}
