"""indexes for the 公开事项 list's sorts by 公开属性 and 文号

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 09:55:00
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_disclosure_item_attribute', 'disclosure_item', ['attribute'], unique=False)
    op.create_index('ix_disclosure_item_doc_number', 'disclosure_item', ['doc_number'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_disclosure_item_doc_number', table_name='disclosure_item')
    op.drop_index('ix_disclosure_item_attribute', table_name='disclosure_item')
