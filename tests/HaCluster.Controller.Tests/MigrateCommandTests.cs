using HaCluster.Controller.Data;
using HaCluster.Controller.Tests.Infrastructure;
using HaCluster.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Tests;

/// <summary><c>hacluster-controller migrate</c> as an operator runs it: a separate process that exits when done.</summary>
public abstract class MigrateCommandTests(IStorageBackend backend)
{
    [SkippableFact]
    public async Task Migrate_EmptyDatabase_AppliesEveryMigrationAndExitsZeroTwice()
    {
        var settings = backend.NewSettings();

        var first = await RunMigrateAsync(settings);
        var second = await RunMigrateAsync(settings);

        Assert.True(first.Succeeded, first.ToString());
        Assert.True(second.Succeeded, second.ToString());
        await using var db = TestDatabase.Open(settings);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.Equal(0, await db.Groups.CountAsync());
    }

    private static Task<CommandResult> RunMigrateAsync(IReadOnlyDictionary<string, string> settings)
    {
        var controller = Path.Combine(AppContext.BaseDirectory, "hacluster-controller.dll");
        var env = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
        return Cmd.RunAsync("dotnet", [controller, "migrate"], TimeSpan.FromSeconds(90), env);
    }
}

public sealed class SqliteMigrateCommandTests(SqliteBackendFixture sqlite) : MigrateCommandTests(sqlite.Backend), IClassFixture<SqliteBackendFixture>;

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrateCommandTests(PostgresServer server) : MigrateCommandTests(new PostgresBackend(server));
