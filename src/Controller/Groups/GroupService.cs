using System.Text.Json;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;

namespace HaCluster.Controller.Groups;

/// <summary>
/// Group changes, the one way in for REST and gRPC: validated against every other group and against what the agents
/// reported of their nodes (all errors at once), rendered once per member, stored with those configs and an audit
/// entry in one transaction, then made the desired state (and so pushed to the members).
/// </summary>
public sealed class GroupService(GroupRepository groups, NodeRepository nodes, ConfirmRepository confirms, DesiredState desired, TimeProvider clock)
{
    public Task<IReadOnlyList<StoredGroup>> ListAsync(CancellationToken ct) => groups.ListAsync(ct);

    public Task<StoredGroup?> GetAsync(string name, CancellationToken ct) => groups.GetAsync(name, ct);

    /// <summary>One member's keepalived.conf at the group's current revision; null when there is no such group or member.</summary>
    public async Task<MemberConfig?> GetConfigAsync(string name, string node, CancellationToken ct)
    {
        if (desired.Get(name) is not null)
        {
            return desired.Part(name, node);
        }

        // A group this controller does not hold (another controller saved it meanwhile): what was stored for it.
        return await groups.GetMemberConfigAsync(name, node, ct) is { } text ? new MemberConfig(name, 0, node, "", text, GroupRenderer.Hash(text)) : null;
    }

    /// <param name="comment">Why (kept with the revision), or null.</param>
    public Task<SaveResult> CreateAsync(VipGroup group, Actor who, CancellationToken ct, string? comment = null) =>
        SaveAsync(group, isNew: true, who, AuditActions.Create, comment, ct);

    /// <param name="confirmWithin">
    /// Confirm-or-revert: unless <see cref="ConfirmAsync"/> is called within this time, the group goes back by itself to
    /// the last confirmed revision. Null: the save needs no confirmation (and confirms one still waiting).
    /// </param>
    public async Task<SaveResult> UpdateAsync(VipGroup group, Actor who, CancellationToken ct, string? comment = null, TimeSpan? confirmWithin = null)
    {
        var pending = await confirms.GetAsync(group.Name, ct);
        var result = await SaveAsync(group, isNew: false, who, AuditActions.Update, comment, ct);
        if (result is SaveResult.Saved saved)
        {
            if (confirmWithin is { } within)
            {
                // Reverting goes back to the last confirmed state, also past several unconfirmed saves.
                await confirms.SetAsync(new PendingConfirm(group.Name, saved.Revision, pending?.RevertTo ?? saved.Revision - 1, clock.GetUtcNow() + within, within, who.Describe()), ct);
            }
            else
            {
                await confirms.RemoveAsync(group.Name, null, ct);
            }
        }

        return result;
    }

    /// <summary>The group's save waiting for its confirmation, or null.</summary>
    public Task<PendingConfirm?> PendingAsync(string name, CancellationToken ct) => confirms.GetAsync(name, ct);

    /// <summary>Confirms the group's save that waits for it (audited); false when none waits.</summary>
    public async Task<bool> ConfirmAsync(string name, Actor who, CancellationToken ct) =>
        await confirms.GetAsync(name, ct) is { } pending
        && await confirms.RemoveAsync(name, new AuditEvent(AuditActions.Confirm, name, who, clock.GetUtcNow(), Detail: $"revision {pending.Revision} confirmed"), ct);

    /// <summary>
    /// A save not confirmed in time: the group goes back to <see cref="PendingConfirm.RevertTo"/>'s desired state (a new
    /// revision, audited as a revert by the controller; the secrets as they are now).
    /// </summary>
    public async Task<SaveResult?> RevertAsync(PendingConfirm pending, CancellationToken ct)
    {
        if (!await confirms.RemoveAsync(pending.Group, null, ct) || await groups.RevisionAsync(pending.Group, pending.RevertTo, ct) is not { } revision)
        {
            return null;
        }

        var group = AsSaved(revision);
        var who = Actor.Controller with { Name = "the controller (confirm-or-revert)" };
        return await SaveAsync(group, isNew: false, who, AuditActions.Revert,
            $"revision {pending.Revision} by {pending.By} not confirmed within {pending.Within}: back to revision {pending.RevertTo}", ct);
    }

    public Task<IReadOnlyList<GroupRevision>> RevisionsAsync(string name, int limit, CancellationToken ct) => groups.RevisionsAsync(name, limit, ct);

    public Task<GroupRevision?> RevisionAsync(string name, int revision, CancellationToken ct) => groups.RevisionAsync(name, revision, ct);

    /// <summary>What changed from revision <paramref name="from"/> to <paramref name="to"/>: each member's config as a line diff; null when either is missing.</summary>
    public async Task<RevisionDiff?> DiffAsync(string name, int from, int to, CancellationToken ct)
    {
        if (await groups.RevisionAsync(name, from, ct) is not { } before || await groups.RevisionAsync(name, to, ct) is not { } after)
        {
            return null;
        }

        var nodes = before.Configs.Select(c => c.Node).Union(after.Configs.Select(c => c.Node), StringComparer.Ordinal);
        var members = nodes.Select(node => new MemberDiff(node, LineDiff(
            before.Configs.FirstOrDefault(c => c.Node == node)?.Text ?? "", after.Configs.FirstOrDefault(c => c.Node == node)?.Text ?? ""))).ToList();
        var same = JsonSerializer.Serialize(before.Group, GroupJsonContext.Default.GroupDocument) == JsonSerializer.Serialize(after.Group, GroupJsonContext.Default.GroupDocument);
        return new RevisionDiff(from, to, !same, members);
    }

    private static List<string> LineDiff(string before, string after) =>
        [.. DiffPlex.DiffBuilder.InlineDiffBuilder.Diff(before, after, ignoreWhiteSpace: false).Lines.Select(l => l.Type switch
        {
            DiffPlex.DiffBuilder.Model.ChangeType.Inserted => "+ " + l.Text,
            DiffPlex.DiffBuilder.Model.ChangeType.Deleted => "- " + l.Text,
            _ => "  " + l.Text,
        })];

    /// <summary>
    /// A new revision whose desired state is revision <paramref name="to"/>'s; the secrets stay the current ones (a
    /// rollback never brings an old password or key back). Null when there is no such revision.
    /// </summary>
    public async Task<SaveResult?> RollbackAsync(string name, int to, Actor who, string? comment, CancellationToken ct)
    {
        if (await groups.RevisionAsync(name, to, ct) is not { } revision)
        {
            return null;
        }

        var group = AsSaved(revision);
        var result = await SaveAsync(group, isNew: false, who, AuditActions.Rollback, comment ?? $"rollback to revision {to}", ct);
        if (result is SaveResult.Saved)
        {
            await confirms.RemoveAsync(name, null, ct);
        }

        return result;
    }

    /// <summary>
    /// A revision's desired state to save again: as it was, its chosen master included (none is none: the configs come
    /// out as that revision's), the secrets left out so that the current password and keys stay.
    /// </summary>
    private static VipGroup AsSaved(GroupRevision revision) => revision.Group.ToGroup() with
    {
        AuthPass = null,
        Keyring = null,
        Primary = revision.Group.Primary ?? "",
    };

    public async Task<bool> DeleteAsync(string name, Actor who, CancellationToken ct)
    {
        var deleted = await groups.WriteAsync(
            w => w.DeleteAsync(name, before => new AuditRecord(AuditActions.Delete, name, who, clock.GetUtcNow(), before, null)), d => d, ct);
        if (deleted)
        {
            desired.Removed(name);
            await confirms.RemoveAsync(name, null, ct);
        }

        return deleted;
    }

    /// <summary>
    /// Checks a create (<paramref name="isNew"/>) or an update exactly as a save would and renders every member's config
    /// after it, without saving anything: the diff shown before an edit is saved.
    /// </summary>
    public Task<SaveResult> PreviewAsync(VipGroup group, bool isNew, CancellationToken ct) =>
        groups.WriteAsync(
            async w =>
            {
                var current = await w.GetAsync(group.Name);
                return await CheckAsync(w, current, WithStoredSecrets(group, isNew ? null : current?.Group), isNew, ct);
            },
            _ => false,
            ct);

    private async Task<SaveResult> SaveAsync(VipGroup group, bool isNew, Actor who, string action, string? comment, CancellationToken ct)
    {
        var result = await groups.WriteAsync(w => SaveLockedAsync(w, group, isNew, who, action, comment, ct), r => r is SaveResult.Saved, ct);
        if (result is SaveResult.Saved saved)
        {
            desired.Saved(new StoredGroup(saved.Group, saved.Revision), saved.Configs);
        }

        return result;
    }

    private async Task<SaveResult> SaveLockedAsync(GroupWrite write, VipGroup group, bool isNew, Actor who, string action, string? comment, CancellationToken ct)
    {
        var before = await write.GetAsync(group.Name);
        group = WithStoredSecrets(group, isNew ? null : before?.Group);
        var result = await CheckAsync(write, before, group, isNew, ct);
        if (result is not SaveResult.Saved saved)
        {
            return result;
        }

        var audit = new AuditRecord(action, group.Name, who, clock.GetUtcNow(), before?.Group, group, comment);
        return await write.SaveAsync(new StoredGroup(group, saved.Revision), saved.Configs, audit)
            ? saved
            : new SaveResult.Conflict($"group '{group.Name}' was changed by another request; retry");
    }

    /// <summary>
    /// What a save keeps of the stored group when the request leaves it out: the password and keys (write-only), and
    /// the chosen master of a planned switchover (<c>"primary": ""</c> clears it; a node no longer a member drops it).
    /// </summary>
    private VipGroup WithStoredSecrets(VipGroup sent, VipGroup? stored)
    {
        var group = Secrets.WithStoredKeys(Secrets.WithStoredPassword(sent, stored), stored, clock.GetUtcNow());
        return group.Primary switch
        {
            null => group with { Primary = stored?.Primary is { } kept && group.Members.Any(m => m?.Node == kept) ? kept : null },
            "" => group with { Primary = null },
            _ => group,
        };
    }

    /// <summary>
    /// A planned switchover's save: <paramref name="node"/> becomes the group's chosen master (a revision of its own,
    /// nothing else changed, audited as a switchover). The members hand over among themselves once they have it.
    /// </summary>
    public async Task<SaveResult> SetPrimaryAsync(string name, string node, Actor who, string comment, CancellationToken ct) =>
        desired.Get(name) is { } stored
            ? await SaveAsync(stored.Group with { Primary = node }, isNew: false, who, AuditActions.Switchover, comment, ct)
            : new SaveResult.NotFound();

    /// <summary>
    /// One step of the group's keyring (<see cref="GroupKeyring.Rotate"/> or <see cref="GroupKeyring.Next"/>) as a
    /// revision of its own, nothing else changed, audited as <paramref name="action"/>: pushed like any save. Null when
    /// the group is gone, no longer uses HMAC, moved past <paramref name="revision"/>, or <paramref name="step"/> has nothing to do.
    /// </summary>
    public async Task<SaveResult.Saved?> StepKeyringAsync(string name, int revision, Func<GroupKeyring, GroupKeyring?> step, string action, Actor who, CancellationToken ct)
    {
        var result = await groups.WriteAsync<SaveResult?>(
            async w =>
            {
                var before = await w.GetAsync(name);
                if (before is not { Group: { UsesHmac: true, Keyring: { } keyring } } || before.Revision != revision || step(keyring) is not { } next)
                {
                    return null;
                }

                var group = before.Group with { Keyring = next };
                var check = await CheckAsync(w, before, group, isNew: false, ct);
                if (check is not SaveResult.Saved saved)
                {
                    return check;
                }

                var audit = new AuditRecord(action, name, who, clock.GetUtcNow(), before.Group, group);
                return await w.SaveAsync(new StoredGroup(group, saved.Revision), saved.Configs, audit) ? saved : null;
            },
            r => r is SaveResult.Saved,
            ct);
        if (result is SaveResult.Saved done)
        {
            desired.Saved(new StoredGroup(done.Group, done.Revision), done.Configs);
            return done;
        }

        return null;
    }

    private async Task<SaveResult> CheckAsync(GroupWrite write, StoredGroup? current, VipGroup group, bool isNew, CancellationToken ct)
    {
        if (isNew && current is not null)
        {
            return new SaveResult.Conflict($"a group named '{group.Name}' already exists");
        }

        if (!isNew && current is null)
        {
            return new SaveResult.NotFound();
        }

        if (await ValidateAsync(write, group, ct) is { Count: > 0 } errors)
        {
            return new SaveResult.Invalid(errors);
        }

        // Revisions outlive a deleted group, so a group re-created under the same name continues its numbering.
        var revision = (current?.Revision ?? await write.LastRevisionAsync(group.Name)) + 1;
        return new SaveResult.Saved(group, revision, GroupRenderer.RenderMembers(group, revision));
    }

    /// <summary>Against every other saved group and against what the agents reported of the members' nodes.</summary>
    private async Task<IReadOnlyList<GroupError>> ValidateAsync(GroupWrite write, VipGroup group, CancellationToken ct)
    {
        // Only the members' facts: the other nodes do not matter to this group, and there may be thousands.
        var names = group.Members.Select(m => m?.Node).OfType<string>().Distinct().ToList();
        var facts = await nodes.FactsAsync(names, ct);
        return GroupValidator.Validate(group, await OthersAsync(write), facts);
    }

    /// <summary>
    /// Every saved group, as the database has it now: the in-memory desired state where its revision matches (no JSON
    /// to read again — with hundreds of groups that was most of a save's time), the stored row where it does not
    /// (another controller wrote it).
    /// </summary>
    private async Task<IReadOnlyCollection<VipGroup>> OthersAsync(GroupWrite write)
    {
        var revisions = await write.RevisionsAsync();
        var stale = revisions.Where(r => desired.Get(r.Key)?.Revision != r.Value).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var reread = stale.Count == 0 ? [] : await write.GroupsAsync(stale);
        return [.. revisions.Keys.Where(n => !stale.Contains(n)).Select(n => desired.Get(n)!.Group), .. reread];
    }
}
