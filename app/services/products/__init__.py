"""Products context: public functions other contexts may call."""

from app.services.products.repository import get_product_for_org, list_products_for_org
from app.services.products.service import create_product, delete_product, update_product

__all__ = [
    "create_product",
    "delete_product",
    "get_product_for_org",
    "list_products_for_org",
    "update_product",
]
