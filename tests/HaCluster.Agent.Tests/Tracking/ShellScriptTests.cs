using System.Diagnostics;
using HaCluster.Agent.Tracking;

namespace HaCluster.Agent.Tests.Tracking;

public class ShellScriptTests
{
    [Fact]
    public async Task Run_MissingProgram_SaysItCannotRun()
    {
        var outcome = await ShellScript.Instance.RunAsync("/nonexistent/check_haproxy", [], TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("cannot run (exit 127)", outcome.Problem);
        Assert.Contains("not found", outcome.Problem);
    }

    [Fact]
    public async Task Run_HungScript_IsKilledAtItsTimeout()
    {
        var watch = Stopwatch.StartNew();

        var outcome = await ShellScript.Instance.RunAsync("sleep 30", [], TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.True(outcome.TimedOut);
        Assert.False(outcome.Succeeded);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Run_NotifyArguments_ArriveAsSeparateWordsEvenWithSpaces()
    {
        var outcome = await ShellScript.Instance.RunAsync("test \"$#\" = 4 && test \"$2\" = 'name with space' && exit 3", ["INSTANCE", "name with space", "MASTER", "100"], TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(3, outcome.ExitCode);
    }

    [Fact]
    public async Task Run_Success_HasNoProblem()
    {
        var outcome = await ShellScript.Instance.RunAsync("true", [], TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.True(outcome.Succeeded);
        Assert.Null(outcome.Problem);
    }
}
