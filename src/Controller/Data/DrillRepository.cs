using System.Text.Json;
using System.Text.Json.Serialization;
using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>The history of failover drills.</summary>
public sealed class DrillRepository(IDbContextFactory<HaClusterContext> contexts)
{
    public async Task<DrillRecord> AddAsync(DrillRecord drill, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = new DrillEntity
        {
            GroupName = drill.Group,
            StartedAt = drill.StartedAt,
            FinishedAt = drill.FinishedAt,
            StartedBy = drill.By.Length <= 256 ? drill.By : drill.By[..256],
            Ok = drill.Ok,
            Detail = drill.Detail.Length <= 4000 ? drill.Detail : drill.Detail[..4000],
            StepsJson = JsonSerializer.Serialize([.. drill.Steps], DrillJson.Default.DrillStepArray),
        };
        db.Drills.Add(row);
        await db.SaveChangesAsync(ct);
        return drill with { Id = row.Id };
    }

    /// <summary>Newest first; every group's when <paramref name="group"/> is null.</summary>
    public async Task<IReadOnlyList<DrillRecord>> ListAsync(string? group, int limit, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Drills.AsNoTracking();
        query = group is null ? query : query.Where(d => d.GroupName == group);
        var rows = await query.OrderByDescending(d => d.Id).Take(limit).ToListAsync(ct);
        return [.. rows.Select(d => new DrillRecord(d.Id, d.GroupName, d.StartedAt, d.FinishedAt, d.StartedBy, d.Ok, d.Detail,
            JsonSerializer.Deserialize(d.StepsJson, DrillJson.Default.DrillStepArray) ?? []))];
    }
}

[JsonSerializable(typeof(DrillStep[]))]
internal sealed partial class DrillJson : JsonSerializerContext;
