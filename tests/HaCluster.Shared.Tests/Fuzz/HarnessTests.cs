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

    [Fact]
    public void WorkThatGrowsAsTheSquareOfItsInput_FailsTheScalingCheck_AndIsKept()
    {
        var failure = Record.Exception(() => HaCluster.TestSupport.Fuzz.RunScaling("harness-square", Gen.Int[1, 1], (k, scale) =>
            (BitConverter.GetBytes(k * scale), () => Pairs(300 * k * scale)), "bin", seconds: 1));

        Assert.NotNull(failure);
        Assert.Contains(nameof(HaCluster.TestSupport.Fuzz.SuperLinearTimeException), failure.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(HaCluster.TestSupport.Fuzz.FailureDirectory, "harness-square-scaling-SuperLinearTimeException-*.bin"));
    }

    [Fact]
    public void WorkThatGrowsAsItsInput_PassesTheScalingCheck()
    {
        var report = HaCluster.TestSupport.Fuzz.RunScaling("harness-linear", Gen.Int[1, 2], (k, scale) =>
            (BitConverter.GetBytes(k * scale), () => Pairs(1, 1_000_000 * k * scale)), "bin", seconds: 1);

        Assert.True(report.Inputs >= 1, report.ToString());
    }

    private static long _sink;

    /// <summary>Every pair of n by m numbers visited: n² work when m is n. Optimized from its first call (no tiering,
    /// which would time the smaller input in slower code).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Pairs(int n, int? m = null)
    {
        long sum = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < (m ?? n); j++)
            {
                sum += i ^ j;
            }
        }

        _sink += sum;
    }
}
