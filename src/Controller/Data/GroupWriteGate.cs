using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>
/// Serialises group writes so validation against the other groups (VRIDs, VIPs) still holds when the write commits:
/// a semaphore within this process and, on PostgreSQL, a transaction-scoped advisory lock across controllers.
/// </summary>
public sealed class GroupWriteGate
{
    // Any key every controller agrees on: 0x484347525550, "HCGRUP" in ASCII.
    private const string TakeAdvisoryLock = "SELECT pg_advisory_xact_lock(79453796586832)";
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<T> RunAsync<T>(HaClusterContext db, Func<Task<T>> write, Func<T, bool> shouldCommit, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlRawAsync(TakeAdvisoryLock, ct);
            }

            var result = await write();
            if (shouldCommit(result))
            {
                await transaction.CommitAsync(ct);
            }

            return result;
        }
        finally
        {
            gate.Release();
        }
    }
}
