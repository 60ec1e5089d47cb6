using HaCluster.Shared.Tls;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Data;

/// <summary>
/// Where the controller keeps its data: PostgreSQL when <c>ConnectionStrings:HaCluster</c> is set, else a SQLite file
/// in <c>Storage:DataDir</c> (the zero-setup default).
/// </summary>
public sealed class StorageOptions
{
    public const string ConnectionStringName = "HaCluster";

    public string? PostgresConnectionString { get; set; }

    public string DataDir { get; set; } = "./data";

    /// <summary>Events older than this many days are deleted in the background (the audit is kept).</summary>
    public int RetentionDays { get; set; } = 90;

    public bool UsesPostgres => !string.IsNullOrEmpty(PostgresConnectionString);

    public string SqliteFile => Path.GetFullPath(Path.Combine(DataDir, "hacluster.db"));
}

/// <summary>Every problem with <see cref="StorageOptions"/>, checked at start.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var errors = new List<string>();
        if (!options.UsesPostgres && string.IsNullOrWhiteSpace(options.DataDir))
        {
            errors.Add("Storage:DataDir: a directory is required when ConnectionStrings:HaCluster is not set");
        }

        if (!options.UsesPostgres && File.Exists(options.SqliteFile) && PrivateFiles.TooOpen(options.SqliteFile, "the database") is { } open)
        {
            errors.Add($"Storage:DataDir: {open}");
        }

        if (options.RetentionDays is < 1 or > 36_500)
        {
            errors.Add($"Storage:RetentionDays: {options.RetentionDays} is not between 1 and 36500");
        }

        if (options.UsesPostgres)
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
            }
            catch (ArgumentException e)
            {
                errors.Add($"ConnectionStrings:{StorageOptions.ConnectionStringName}: {e.Message}");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

public static class StorageExtensions
{
    /// <summary>
    /// The database: one <see cref="IDbContextFactory{TContext}"/> of the provider's own context (each provider has its
    /// migrations), handed out as <see cref="HaClusterContext"/>. Read from configuration when first used, so test
    /// hosts can override it.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Configure(o =>
            {
                o.PostgresConnectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName);
                o.DataDir = configuration["Storage:DataDir"] is { Length: > 0 } dir ? dir : o.DataDir;
                o.RetentionDays = configuration.GetValue("Storage:RetentionDays", o.RetentionDays);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddDbContextFactory<PostgresHaClusterContext>((sp, o) =>
            o.UseNpgsql(sp.GetRequiredService<IOptions<StorageOptions>>().Value.PostgresConnectionString));
        services.AddDbContextFactory<SqliteHaClusterContext>((sp, o) =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            // 0700 and 0600 from the start; SQLite gives its -wal and -shm files the database file's mode.
            PrivateFiles.EnsureDirectory(storage.DataDir);
            PrivateFiles.Precreate(storage.SqliteFile);
            o.UseSqlite($"Data Source={storage.SqliteFile}");
        });
        services.AddSingleton<IDbContextFactory<HaClusterContext>>(sp =>
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.UsesPostgres
                ? new ProviderFactory<PostgresHaClusterContext>(sp.GetRequiredService<IDbContextFactory<PostgresHaClusterContext>>())
                : new ProviderFactory<SqliteHaClusterContext>(sp.GetRequiredService<IDbContextFactory<SqliteHaClusterContext>>()));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<HaClusterContext>>().CreateDbContext());
        services.AddDataProtection().SetApplicationName("hacluster-controller").PersistKeysToDbContext<HaClusterContext>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<GroupWriteGate>();
        services.AddSingleton<GroupRepository>();
        services.AddSingleton<NodeRepository>();
        services.AddSingleton<EventRepository>();
        return services;
    }

    private sealed class ProviderFactory<T>(IDbContextFactory<T> inner) : IDbContextFactory<HaClusterContext>
        where T : HaClusterContext
    {
        public HaClusterContext CreateDbContext() => inner.CreateDbContext();
    }
}
