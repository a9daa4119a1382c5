using Jelou.Http;

namespace Jelou.Tests.Resilience;

/// <summary>
/// Whether the engine may start more rows than ThrottleLimit hinges on <see cref="AdaptivePacer.RefusedRecently"/>; a
/// batch the server never refused must read as not refused, or it starts up to four rows per slot for nothing.
/// </summary>
public sealed class RefusedRecentlyTests
{
    [Fact]
    public void A_pacer_never_answered_429_has_not_been_refused()
    {
        var pace = new AdaptivePacer(null, 3, null);
        Assert.False(pace.RefusedRecently);
        pace.OnAccepted(0);
        Assert.False(pace.RefusedRecently);
    }

    [Fact]
    public void A_429_marks_the_pacer_refused()
    {
        var pace = new AdaptivePacer(null, 3, null);
        pace.OnThrottled(-1);
        Assert.True(pace.RefusedRecently);
    }
}
