using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Postgres;

/// <inheritdoc />
public partial class PendingConfirms : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "pending_confirms",
            columns: table => new
            {
                GroupName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                Revision = table.Column<int>(type: "integer", nullable: false),
                RevertTo = table.Column<int>(type: "integer", nullable: false),
                Deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                WithinSeconds = table.Column<long>(type: "bigint", nullable: false),
                StartedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_pending_confirms", x => x.GroupName);
            });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "pending_confirms");
    }
}
