using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class AlertOutbox : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "alert_channels",
            columns: table => new
            {
                Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                SettingsJson = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: false),
                Secrets = table.Column<string>(type: "TEXT", maxLength: 16384, nullable: true),
                UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_alert_channels", x => x.Name);
            });

        migrationBuilder.CreateTable(
            name: "alert_deliveries",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                AlertId = table.Column<long>(type: "INTEGER", nullable: false),
                IncidentId = table.Column<long>(type: "INTEGER", nullable: true),
                Channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                LastError = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                MessageKey = table.Column<string>(type: "TEXT", maxLength: 96, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_alert_deliveries", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "alerts",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                At = table.Column<long>(type: "INTEGER", nullable: false),
                CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                Subject = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                GroupName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                Summary = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                EventId = table.Column<long>(type: "INTEGER", nullable: true),
                IncidentId = table.Column<long>(type: "INTEGER", nullable: true),
                Suppressed = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_alerts", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "group_quiet",
            columns: table => new
            {
                GroupName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                Since = table.Column<long>(type: "INTEGER", nullable: false),
                Until = table.Column<long>(type: "INTEGER", nullable: false),
                Reason = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                By = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_group_quiet", x => x.GroupName);
            });

        migrationBuilder.CreateTable(
            name: "incidents",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                Subject = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                GroupName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Title = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                OpenedAt = table.Column<long>(type: "INTEGER", nullable: false),
                LastAlertAt = table.Column<long>(type: "INTEGER", nullable: false),
                RecoveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                AcknowledgedAt = table.Column<long>(type: "INTEGER", nullable: true),
                AcknowledgedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                Alerts = table.Column<int>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_incidents", x => x.Id);
            });

        migrationBuilder.CreateIndex(
            name: "IX_alert_deliveries_AlertId",
            table: "alert_deliveries",
            column: "AlertId");

        migrationBuilder.CreateIndex(
            name: "IX_alert_deliveries_MessageKey",
            table: "alert_deliveries",
            column: "MessageKey");

        migrationBuilder.CreateIndex(
            name: "IX_alert_deliveries_Status_NextAttemptAt",
            table: "alert_deliveries",
            columns: new[] { "Status", "NextAttemptAt" });

        migrationBuilder.CreateIndex(
            name: "IX_alerts_At",
            table: "alerts",
            column: "At");

        migrationBuilder.CreateIndex(
            name: "IX_alerts_GroupName_At",
            table: "alerts",
            columns: new[] { "GroupName", "At" });

        migrationBuilder.CreateIndex(
            name: "IX_alerts_IncidentId",
            table: "alerts",
            column: "IncidentId");

        migrationBuilder.CreateIndex(
            name: "IX_incidents_OpenedAt",
            table: "incidents",
            column: "OpenedAt");

        migrationBuilder.CreateIndex(
            name: "IX_incidents_Subject_LastAlertAt",
            table: "incidents",
            columns: new[] { "Subject", "LastAlertAt" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "alert_channels");

        migrationBuilder.DropTable(
            name: "alert_deliveries");

        migrationBuilder.DropTable(
            name: "alerts");

        migrationBuilder.DropTable(
            name: "group_quiet");

        migrationBuilder.DropTable(
            name: "incidents");
    }
}
