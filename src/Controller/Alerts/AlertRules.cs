using System.Globalization;
using HaCluster.Controller.Domain;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Alerts;

/// <summary>Which stored events deserve an alert, of what kind and severity, in one line; a pure function.</summary>
public static class AlertRules
{
    private static readonly HashSet<GroupHealth> BadHealth = [GroupHealth.SplitBrain, GroupHealth.NoMaster, GroupHealth.Unreachable];

    /// <summary>The alert for <paramref name="e"/>; null for events nobody is woken for.</summary>
    public static AlertDraft? For(FleetEvent e) => e switch
    {
        { IsTakeover: true } => new(AlertKinds.Failover, AlertSeverity.Warning,
            $"{e.Group ?? e.Instance}: {e.Node} became MASTER ({e.Reason?.Name()}){(e.TakeoverMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $", {ms:0} ms after the old master was last heard") : "")}"),
        { Kind: EventKind.Health, ToHealth: { } to } when BadHealth.Contains(to) =>
            new(AlertKinds.Health, AlertSeverity.Critical, $"{e.Group}: health {to.Name()}: {e.Detail}"),
        { Kind: EventKind.Health, ToHealth: GroupHealth.Ok, FromHealth: { } from } when BadHealth.Contains(from) =>
            new(AlertKinds.Recovery, AlertSeverity.Info, $"{e.Group}: health ok again (was {from.Name()})", Recovers: true),
        // Planned work (a switchover, a node's maintenance starting or ending, a drill): who asked, and how it went.
        { Kind: EventKind.Operation, Detail: { } detail } => new(AlertKinds.Operation, AlertSeverity.Info, detail),
        _ => null,
    };

    /// <summary>What an alert is about: its group, else its node (a node's maintenance), else the fleet.</summary>
    public static string SubjectOf(FleetEvent e) => e.Group ?? e.Node ?? "fleet";
}
