"""holiday notices kept with their days; the request clock's 补正期限, consultation dates and
第三十五条 delay, the text of the answer; the annual report's publication date

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-02 01:00:00

Days imported before this revision were stored without their notice: every day inside a year
with an imported arrangement (and a 元旦 day in the December before it) moves to a notice row of
that year, so a later re-import of the year replaces them as before; days of other years stay
as the admin's own adjustments.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'holiday_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('by_hand', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('notice', 'amendment')", name=op.f('ck_holiday_notice_kind')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_notice')),
    )
    with op.batch_alter_table('holiday_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holiday_notice_year'), ['year'], unique=False)
    op.create_table(
        'holiday_notice_day',
        sa.Column('notice_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('is_workday', sa.Boolean(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ['notice_id'], ['holiday_notice.id'],
            name=op.f('fk_holiday_notice_day_notice_id_holiday_notice'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('notice_id', 'day', name=op.f('pk_holiday_notice_day')),
    )
    with op.batch_alter_table('holiday_notice_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holiday_notice_day_day'), ['day'], unique=False)

    with op.batch_alter_table('disclosure_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correction_due_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('consultation_sent_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('consultation_answered_on', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column('delay_reason', sa.Text(), nullable=False, server_default='')
        )
        batch_op.add_column(sa.Column('delay_until', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column('answer_text', sa.Text(), nullable=False, server_default='')
        )
    with op.batch_alter_table('disclosure_request', schema=None) as batch_op:
        batch_op.alter_column('delay_reason', server_default=None)
        batch_op.alter_column('answer_text', server_default=None)
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_on', sa.Date(), nullable=True))

    _move_imported_days()


def _move_imported_days() -> None:
    bind = op.get_bind()
    notice = sa.table(
        'holiday_notice', sa.column('id', sa.Integer), sa.column('year', sa.Integer),
        sa.column('kind', sa.String), sa.column('title', sa.String), sa.column('source', sa.Text),
        sa.column('by_hand', sa.Text), sa.column('created_at', sa.DateTime),
    )
    notice_day = sa.table(
        'holiday_notice_day', sa.column('notice_id', sa.Integer), sa.column('day', sa.Date),
        sa.column('is_workday', sa.Boolean), sa.column('name', sa.String),
    )
    override = sa.table(
        'holiday_override', sa.column('day', sa.Date), sa.column('is_workday', sa.Boolean),
        sa.column('name', sa.String),
    )
    holiday_year = sa.table(
        'holiday_year', sa.column('year', sa.Integer), sa.column('source', sa.Text),
        sa.column('created_at', sa.DateTime),
    )
    years = bind.execute(
        sa.select(holiday_year.c.year, holiday_year.c.source, holiday_year.c.created_at)
    ).all()
    arranged = {int(y) for y, _, _ in years}
    ids: dict[int, int] = {}
    for year, source, created_at in years:
        bind.execute(
            notice.insert().values(
                year=year, kind='notice', title='', source=source or '', by_hand='',
                created_at=created_at,
            )
        )
        ids[int(year)] = bind.execute(
            sa.select(notice.c.id).where(notice.c.year == year, notice.c.kind == 'notice')
        ).scalar_one()
    moved = []
    for day, is_workday, name in bind.execute(
        sa.select(override.c.day, override.c.is_workday, override.c.name)
    ).all():
        if isinstance(day, str):
            day = date.fromisoformat(day)
        owner = day.year
        if day.month == 12 and '元旦' in (name or '') and day.year + 1 in arranged:
            owner = day.year + 1
        if owner in ids:
            bind.execute(
                notice_day.insert().values(
                    notice_id=ids[owner], day=day, is_workday=is_workday, name=name or ''
                )
            )
            moved.append(day)
    for day in moved:
        bind.execute(override.delete().where(override.c.day == day))


def downgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            'SELECT d.day, d.is_workday, d.name FROM holiday_notice_day d '
            'JOIN holiday_notice n ON n.id = d.notice_id ORDER BY n.kind DESC, n.year, n.id'
        )
    ).all()
    manual = {r[0] for r in bind.execute(sa.text('SELECT day FROM holiday_override')).all()}
    days = {}
    for day, is_workday, name in rows:
        days[day] = (is_workday, name)
    override = sa.table(
        'holiday_override', sa.column('day', sa.Date), sa.column('is_workday', sa.Boolean),
        sa.column('name', sa.String),
    )
    for day, (is_workday, name) in days.items():
        if day not in manual:
            bind.execute(override.insert().values(day=day, is_workday=is_workday, name=name))
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.drop_column('published_on')
    with op.batch_alter_table('disclosure_request', schema=None) as batch_op:
        batch_op.drop_column('answer_text')
        batch_op.drop_column('delay_until')
        batch_op.drop_column('delay_reason')
        batch_op.drop_column('consultation_answered_on')
        batch_op.drop_column('consultation_sent_on')
        batch_op.drop_column('correction_due_date')
    with op.batch_alter_table('holiday_notice_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holiday_notice_day_day'))
    op.drop_table('holiday_notice_day')
    with op.batch_alter_table('holiday_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holiday_notice_year'))
    op.drop_table('holiday_notice')
