using CsCheck;
using HaCluster.TestSupport;

namespace HaCluster.Shared.Tests.Fuzz;

/// <summary>The harness itself: a failing or hanging input fails the run and is kept as a file.</summary>
public sealed class HarnessTests
{
    [Fact]
    public void AnInputThatThrows_FailsTheRun_AndIsKept()
    {
        var gen = Gen.Int[0, 1000];

        var failure = Record.Exception(() => HaCluster.TestSupport.Fuzz.Run("harness-throw", gen, i => BitConverter.GetBytes(i), "bin",
            i => Assert.True(i < 500, $"{i} is too big"), seconds: 1, perInput: TimeSpan.FromSeconds(5)));

        Assert.NotNull(failure);
        Assert.NotEmpty(Directory.GetFiles(HaCluster.TestSupport.Fuzz.FailureDirectory, "harness-throw-*.bin"));
    }

    [Fact]
    public void AnInputThatHangs_FailsTheRunWithinItsBound_AndIsKept()
    {
        var gen = Gen.Int[0, 10];

        var failure = Record.Exception(() => HaCluster.TestSupport.Fuzz.Run("harness-hang", gen, i => BitConverter.GetBytes(i), "bin",
            i => Thread.Sleep(i == 7 ? Timeout.Infinite : 0), seconds: 1, perInput: TimeSpan.FromMilliseconds(200)));

        Assert.NotNull(failure);
        Assert.Contains("took longer than", failure.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(HaCluster.TestSupport.Fuzz.FailureDirectory, "harness-hang-*.bin"));
    }

    [Fact]
    public void InputsThatPass_AreCounted()
    {
        var report = HaCluster.TestSupport.Fuzz.Run("harness-pass", Gen.Int, i => BitConverter.GetBytes(i), "bin", _ => { }, seconds: 1, perInput: TimeSpan.FromSeconds(5));

        Assert.True(report.Inputs > 10, report.ToString());
    }
}
