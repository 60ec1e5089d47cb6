using System.Globalization;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Domain;

/// <summary>A transition's cause in words, from its reason, its measured takeover and its priority breakdown; pure.</summary>
public static class TransitionCause
{
    public static string Describe(FleetEvent e)
    {
        var node = e.Node ?? "the node";
        var master = e.Context?.Peers.FirstOrDefault(p => p.State == VrrpState.Master)?.Node;
        var took = e.TakeoverMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $" {ms:0} ms after it last heard the master") : "";
        var words = (e.ToState, e.Reason) switch
        {
            (VrrpState.Master, TransitionReason.MasterDownTimer) => $"{node} heard no advertisement from the master for its Master_Down_Interval and took over{took}.",
            (VrrpState.Master, TransitionReason.PriorityZeroReceived) => $"The master released its VIPs (it sent priority 0: it stopped or stepped down) and {node} took over{took}.",
            (VrrpState.Master, TransitionReason.Preempt) => $"{node} preempted the master: its priority {e.Priority} is higher and preemption is on.",
            (VrrpState.Master, TransitionReason.Switchover) => $"A planned switchover made {node} the master.",
            (VrrpState.Master, TransitionReason.AddressOwner) => $"{node} owns the VIP address (priority 255) and took it at once.",
            (VrrpState.Master, _) => $"{node} became MASTER ({e.Reason?.Name() ?? "unknown"}){took}.",
            (VrrpState.Backup, TransitionReason.HigherPriorityHeard) => $"{node} heard a higher priority{(master is null ? "" : $" from {master}")} and stepped down to BACKUP.",
            (VrrpState.Backup, TransitionReason.EqualPriorityHigherAddress) => $"{node} heard an equal priority from a higher address and stepped down to BACKUP.",
            (VrrpState.Backup, TransitionReason.Switchover) => $"A planned switchover moved the master away from {node}.",
            (VrrpState.Fault, TransitionReason.TrackingFailed) => $"What {node} tracks put it in FAULT.",
            (VrrpState.Fault, TransitionReason.InterfaceDown) => $"{node}'s interface went down: FAULT.",
            (VrrpState.Stopped, _) => $"{node}'s instance stopped ({e.Reason?.Name() ?? "unknown"}).",
            _ => $"{node} went {e.FromState?.Name() ?? "?"} → {e.ToState?.Name() ?? "?"} ({e.Reason?.Name() ?? "unknown"}).",
        };
        return e.Context?.Breakdown is { } parts && Priority(parts) is { Length: > 0 } priority ? $"{words} {priority}" : words;
    }

    /// <summary>"Its priority was 70: 100 base, script chk_web failed −30." — or nothing when nothing tracked moved it.</summary>
    public static string Priority(PriorityParts parts)
    {
        var moved = parts.Tracks.Where(t => t.Delta != 0 || t.Faults).ToList();
        if (moved.Count == 0 && !parts.Maintenance)
        {
            return "";
        }

        var terms = moved.Select(t => $"{t.Kind} {t.Name} {t.State}{(t.Faults ? " (fault)" : string.Create(CultureInfo.InvariantCulture, $" {t.Delta:+0;−0}"))}");
        if (parts.Maintenance)
        {
            terms = terms.Prepend("maintenance (priority 1)");
        }

        return $"Its priority was {parts.EffectivePriority}: {parts.BasePriority} base, {string.Join(", ", terms)}.";
    }
}
