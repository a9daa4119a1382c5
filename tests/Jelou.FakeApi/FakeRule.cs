namespace Jelou.FakeApi;

/// <summary>
/// A rule described as data rather than as a delegate (see <see cref="FakeFaults.AddRule(FakeRule)"/>), so that it can also be
/// sent to a fake running as its own process (<c>POST /_fake/rules</c>), as the net472 test lane does. Every condition given
/// must hold; a rule with none answers every request.
/// </summary>
/// <param name="Response">The answer for a matching request.</param>
public sealed record FakeRule(FakeResponse Response)
{
    /// <summary>Only requests whose user id (<c>userId</c>, or <c>senderId</c> of a room message) is exactly this.</summary>
    public string? UserId { get; init; }

    /// <summary>Only requests whose user id ends with this (ordinal comparison).</summary>
    public string? UserIdSuffix { get; init; }

    /// <summary>How many matching requests the rule answers before it stops answering; <see langword="null"/> for every one.</summary>
    public int? Times { get; init; }

    internal bool Matches(FakeRequestInfo info) =>
        (UserId is null || string.Equals(info.UserId, UserId, StringComparison.Ordinal))
        && (UserIdSuffix is null || (info.UserId is { } user && user.EndsWith(UserIdSuffix, StringComparison.Ordinal)));
}
