//! The seller view's calls, each in its own task: a GoTopUp seller key's
//! products and sales through its own client, settlements through the
//! engine's journaled path (the CLI's). Replies come back as
//! `Action::Seller`. (The key's report and API settings go through the
//! report and settings effects, which look for a seller key first.)

use crate::app::views::seller::{SellerCall, SellerReply};
use crate::app::Action;
use crate::engine::seller;
use crate::tui::runtime::{send, Runtime};

impl Runtime {
    pub(super) fn seller_call(&self, account: String, call: SellerCall) {
        let tx = self.tx.clone();
        let Some(c) = self.sellers.get(&account).cloned() else {
            let why = format!("'{account}' has no seller key here");
            let reply = match call {
                SellerCall::Products => SellerReply::Products(Err(why)),
                SellerCall::AddProduct(d) => SellerReply::ProductSaved {
                    code: d.code,
                    result: Err(why),
                },
                SellerCall::SetProduct { code, .. } => SellerReply::ProductSaved {
                    code,
                    result: Err(why),
                },
                SellerCall::Sales(query) => SellerReply::Sales {
                    query,
                    result: Err(why),
                },
                SellerCall::Settlements => SellerReply::Settlements(Err(why)),
                SellerCall::Settle(_) | SellerCall::Resume { .. } => SellerReply::Settled(Err(why)),
            };
            return send(&tx, Action::Seller { account, reply });
        };
        let journal = self.journal.clone();
        tokio::spawn(async move {
            let s = &c.seller;
            let text = |e: crate::providers::ProviderError| e.to_string();
            let reply = match call {
                SellerCall::Products => SellerReply::Products(s.products().await.map_err(text)),
                SellerCall::AddProduct(d) => SellerReply::ProductSaved {
                    result: s.create_product(&d).await.map_err(text),
                    code: d.code,
                },
                SellerCall::SetProduct { code, patch } => SellerReply::ProductSaved {
                    result: s.update_product(&code, &patch).await.map_err(text),
                    code,
                },
                SellerCall::Sales(query) => SellerReply::Sales {
                    result: s.sales(&query).await.map_err(text),
                    query,
                },
                SellerCall::Settlements => SellerReply::Settlements(
                    journal
                        .settlements(Some(&account))
                        .map_err(|e| e.to_string()),
                ),
                SellerCall::Settle(req) => {
                    SellerReply::Settled(seller::settle(&journal, s, &account, &req).await)
                }
                SellerCall::Resume { ref_id } => {
                    SellerReply::Settled(seller::resume(&journal, s, &account, &ref_id).await)
                }
            };
            send(&tx, Action::Seller { account, reply });
        });
    }
}
