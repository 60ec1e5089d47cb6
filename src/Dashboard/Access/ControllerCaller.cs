using System.Security.Claims;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using HaCluster.Contracts;
using HaCluster.Dashboard.Services;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HaCluster.Dashboard.Access;

/// <summary>
/// The person a page, a circuit or a request acts for (scoped): from Blazor's authentication state in components, else
/// from the request. Every controller call of that scope carries their token.
/// </summary>
public sealed class ControllerCaller(AuthenticationStateProvider state, IHttpContextAccessor http)
{
    public ClaimsPrincipal User
    {
        get
        {
            try
            {
                // Blazor sets the state from the request (prerender) or the circuit's connection before any component runs.
                var task = state.GetAuthenticationStateAsync();
                if (task.IsCompletedSuccessfully)
                {
                    return task.Result.User;
                }
            }
            catch (InvalidOperationException)
            {
                // Not a component's scope: a plain request (a download).
            }

            return http.HttpContext?.User ?? new ClaimsPrincipal();
        }
    }

    public string? Token => SignedIn.Token(User);

    /// <summary>The key of the person's feed: how they signed in and their name.</summary>
    public string Who => $"{SignedIn.Via(User)}:{SignedIn.Name(User)}";

    /// <summary>The admin API as this person: the shared channel, their token on every call.</summary>
    internal static Admin.AdminClient AdminClient(GrpcChannel channel, ControllerCaller caller) =>
        new(channel.Intercept(headers =>
        {
            if (caller.Token is { } token)
            {
                headers.Add("Authorization", "Bearer " + token);
            }

            return headers;
        }));
}

/// <summary>The person's share of their live feed for one scope (a circuit or a request), given back when it ends.</summary>
public sealed class FeedLease : IDisposable
{
    private readonly FleetFeeds _feeds;
    private readonly string _who;
    private int _released;

    public FeedLease(FleetFeeds feeds, ControllerCaller caller)
    {
        (_feeds, _who) = (feeds, caller.Who);
        Feed = feeds.Acquire(_who, caller.Token);
    }

    public FleetFeed Feed { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _feeds.Release(_who);
        }
    }
}

/// <summary>Ready when the controller answers its readiness probe (the dashboard holds no stream of its own to judge by).</summary>
public sealed class ControllerReadyCheck(ControllerApi api) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (ready, detail) = await api.ReadyAsync(cancellationToken);
        return ready ? HealthCheckResult.Healthy("the controller is ready") : HealthCheckResult.Unhealthy($"the controller is not ready: {detail}");
    }
}
