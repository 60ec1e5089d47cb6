using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class NodesAndEvents : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "events",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                At = table.Column<long>(type: "INTEGER", nullable: false),
                ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                Node = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                BootId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Sequence = table.Column<long>(type: "INTEGER", nullable: true),
                GroupName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Instance = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                FromState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                ToState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                Reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                Priority = table.Column<int>(type: "INTEGER", nullable: true),
                Detail = table.Column<string>(type: "TEXT", nullable: true),
                TakeoverMs = table.Column<double>(type: "REAL", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_events", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "nodes",
            columns: table => new
            {
                Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                AddressesJson = table.Column<string>(type: "TEXT", nullable: false),
                InterfacesJson = table.Column<string>(type: "TEXT", nullable: false),
                AgentVersion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                BootId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                FirstSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_nodes", x => x.Name);
            });

        migrationBuilder.CreateIndex(
            name: "IX_events_At",
            table: "events",
            column: "At");

        migrationBuilder.CreateIndex(
            name: "IX_events_GroupName_At",
            table: "events",
            columns: new[] { "GroupName", "At" });

        migrationBuilder.CreateIndex(
            name: "IX_events_Node_At",
            table: "events",
            columns: new[] { "Node", "At" });

        migrationBuilder.CreateIndex(
            name: "IX_events_Node_BootId_Sequence",
            table: "events",
            columns: new[] { "Node", "BootId", "Sequence" },
            unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "events");

        migrationBuilder.DropTable(
            name: "nodes");
    }
}
