using Bunit;
using Google.Protobuf.WellKnownTypes;
using HaCluster.Contracts;
using HaCluster.Dashboard.Components.Shared;
using HaCluster.Dashboard.Services;
using HaCluster.Shared.Vocabulary;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace HaCluster.Dashboard.Tests;

public class ComponentTests
{
    /// <summary>MudBlazor's services need an async dispose: one context per test, disposed with await.</summary>
    private static BunitContext NewContext()
    {
        var context = new BunitContext();
        context.Services.AddMudServices();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        return context;
    }

    [Fact]
    public async Task TimelineChart_ALanePerMember_ABandPerMastership_TitlesSayWhy()
    {
        await using var context = NewContext();
        var t0 = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var e = new Event { Kind = EventKind.Transition, Node = "n2", FromState = VrrpState.Backup, ToState = VrrpState.Master, Reason = TransitionReason.PriorityZeroReceived, At = Timestamp.FromDateTimeOffset(t0.AddMinutes(30)) };
        var timeline = Timeline.Build(["n1", "n2"], new Dictionary<string, Event>(), [e], t0, t0.AddHours(1));

        var chart = context.Render<TimelineChart>(p => p.Add(c => c.Timeline, timeline));

        Assert.Equal(2, chart.FindAll("rect.lane").Count);
        var band = chart.Find("[data-testid=band-n2]");
        Assert.Equal("540", band.GetAttribute("x"));
        Assert.Contains("priority 0 received", chart.Find("line.mark title").TextContent, StringComparison.Ordinal);
        Assert.Contains(">n1</text>", chart.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VrrpState.Master, false, "MASTER", "mud-chip-color-success")]
    [InlineData(VrrpState.Backup, false, "BACKUP", "mud-chip-color-info")]
    [InlineData(VrrpState.Fault, false, "FAULT", "mud-chip-color-error")]
    [InlineData(VrrpState.Master, true, "UNREACHABLE", "mud-chip-color-warning")]
    public async Task StateChip_ColourByState(VrrpState state, bool unreachable, string label, string css)
    {
        await using var context = NewContext();
        var chip = context.Render<StateChip>(p => p.Add(c => c.State, state).Add(c => c.Unreachable, unreachable).Add(c => c.Node, "n1"));

        Assert.Contains(css, chip.Markup, StringComparison.Ordinal);
        Assert.Equal(label, chip.Find("[data-testid=state-n1]").GetAttribute("data-state"));
    }
}
