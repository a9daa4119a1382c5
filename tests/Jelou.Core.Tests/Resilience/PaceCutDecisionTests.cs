using Jelou.Http;

namespace Jelou.Tests.Resilience;

/// <summary>
/// When a share of 429s among recent answers is a rate limit, and when it is chance. The control law over real HTTP is in
/// <see cref="AdaptivePacingTests"/> and <see cref="InFlightSlotTests"/>; this is the decision alone, at the counts seen there.
/// </summary>
public sealed class PaceCutDecisionTests
{
    [Theory]
    [InlineData(20, 4)] // the end of a batch at 5 % random 429s: rows back from a Retry-After, a few answers per half second
    [InlineData(35, 5)]
    [InlineData(50, 7)]
    [InlineData(100, 11)]
    [InlineData(700, 50)] // a batch of 32 at 20 ms: 1,400 answers a second
    [InlineData(5000, 320)]
    public void A_share_that_5_percent_random_429s_show_by_chance_does_not_start_pacing(long answers, long refused) =>
        Assert.False(AdaptivePacer.ClearlyAbove(refused, answers, limits: false), $"{refused} of {answers} answers were read as a rate limit");

    [Theory]
    [InlineData(20, 20)] // the first burst, all refused together
    [InlineData(40, 20)] // a bucket's burst accepted, then refusals
    [InlineData(100, 16)] // probing above a limit of 200/s at 235/s
    [InlineData(200, 28)]
    [InlineData(700, 70)]
    [InlineData(5000, 400)]
    public void A_share_well_above_6_percent_starts_pacing(long answers, long refused) =>
        Assert.True(AdaptivePacer.ClearlyAbove(refused, answers, limits: false), $"{refused} of {answers} answers were not read as a rate limit");

    [Theory]
    [InlineData(20, 4)]
    [InlineData(100, 11)]
    [InlineData(200, 19)]
    public void Once_the_server_limits_the_batch_a_smaller_excess_cuts_again(long answers, long refused)
    {
        // Probing above a known limit: cut as soon as the excess is unlikely by chance, so fewer requests are refused.
        Assert.True(AdaptivePacer.ClearlyAbove(refused, answers, limits: true), $"{refused} of {answers}, while limited");
        Assert.False(AdaptivePacer.ClearlyAbove(refused, answers, limits: false), $"{refused} of {answers}, before any limit");
    }

    [Fact]
    public void Exactly_5_percent_never_cuts_whatever_the_number_of_answers()
    {
        for (long answers = 20; answers <= 20000; answers += 7)
        {
            var refused = (long)Math.Round(answers * 0.05);
            Assert.False(AdaptivePacer.ClearlyAbove(refused, answers, limits: false), $"{refused} of {answers}");
            Assert.False(AdaptivePacer.ClearlyAbove(refused, answers, limits: true), $"{refused} of {answers}, while limited");
        }
    }
}
